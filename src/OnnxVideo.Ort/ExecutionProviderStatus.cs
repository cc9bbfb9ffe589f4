namespace OnnxVideo.Ort;

/// <summary>Whether an execution provider can be used on this machine, with the reason when not.</summary>
public sealed record ExecutionProviderStatus(ExecutionProvider Provider, bool IsUsable, string Detail);
