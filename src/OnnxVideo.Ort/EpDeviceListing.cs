namespace OnnxVideo.Ort;

/// <summary>
/// The devices ORT can run sessions on, and for each GPU provider of this build that could not be registered, why
/// (e.g. its provider library needs libcublasLt.so.13, which is not installed).
/// </summary>
public sealed record EpDeviceListing(IReadOnlyList<EpDevice> Devices, IReadOnlyList<ExecutionProviderRejection> Unregistered)
{
    /// <summary>True when some device is driven by <paramref name="provider"/>.</summary>
    public bool Has(ExecutionProvider provider) => Devices.Any(d => d.Provider == provider);
}
