namespace OnnxVideo.Ort;

/// <summary>
/// A requested execution provider cannot be used: its provider library is missing beside libonnxruntime
/// (<see cref="MissingLibraries"/>), the loaded ORT is a CPU-only build, or ORT failed to load it (the inner
/// <see cref="OrtException"/> has ORT's message; <see cref="MissingDependency"/> the library the loader could not find).
/// </summary>
public sealed class ExecutionProviderUnavailableException : UserInputException
{
    public ExecutionProviderUnavailableException(ExecutionProvider provider, string message, IReadOnlyList<string> missingLibraries, Exception? inner = null)
        : base($"execution provider {provider}", message, message, inner)
    {
        Provider = provider;
        MissingLibraries = missingLibraries;
    }

    public ExecutionProvider Provider { get; }

    /// <summary>Full paths of the provider libraries that were expected but not found (empty if ORT refused them).</summary>
    public IReadOnlyList<string> MissingLibraries { get; }

    /// <summary>The first library the dynamic loader reported missing (e.g. libcublasLt.so.13), or null.</summary>
    public string? MissingDependency => InnerException is OrtException ort ? ProviderLoadFailure.MissingDependency(ort.OrtMessage) : null;
}
