namespace OnnxVideo.Ort;

/// <summary>
/// A requested execution provider cannot be used: its provider library is missing beside libonnxruntime
/// (<see cref="MissingLibraries"/>) or ORT failed to load it (the inner <see cref="OrtException"/> has ORT's message).
/// </summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    public ExecutionProviderUnavailableException(ExecutionProvider provider, string message, IReadOnlyList<string> missingLibraries, Exception? inner = null)
        : base(message, inner)
    {
        Provider = provider;
        MissingLibraries = missingLibraries;
    }

    public ExecutionProvider Provider { get; }

    /// <summary>Full paths of the provider libraries that were expected but not found (empty if ORT refused them).</summary>
    public IReadOnlyList<string> MissingLibraries { get; }
}
