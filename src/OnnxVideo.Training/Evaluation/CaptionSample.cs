namespace OnnxVideo.Training.Evaluation;

/// <summary>One clip's generated caption and its reference captions.</summary>
public sealed record CaptionSample(string Video, string Caption, IReadOnlyList<string> References);
