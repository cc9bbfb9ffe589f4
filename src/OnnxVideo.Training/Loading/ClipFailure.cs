namespace OnnxVideo.Training.Loading;

/// <summary>A clip left out because it could not be read.</summary>
public sealed record ClipFailure(int SampleIndex, string Path, string Reason);
