namespace OnnxVideo.Runtime;

/// <summary>One window of a sliding-window classification: its time span and its top labels.</summary>
public sealed record TimelineSegment(TimeSpan Start, TimeSpan End, IReadOnlyList<LabelScore> Top);
