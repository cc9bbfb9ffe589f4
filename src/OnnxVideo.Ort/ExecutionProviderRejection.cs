namespace OnnxVideo.Ort;

/// <summary>An execution provider that was considered and not used, and why.</summary>
public sealed record ExecutionProviderRejection(ExecutionProvider Provider, string Reason);
