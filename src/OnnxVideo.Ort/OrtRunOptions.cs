using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// Per-run settings. <see cref="Terminate"/> asks every run using these options to stop as soon as ORT checks the
/// flag (between nodes); such a run then fails and <see cref="OrtSession"/> reports it as cancelled.
/// </summary>
public sealed unsafe class OrtRunOptions : IDisposable
{
    private readonly OrtRunOptionsHandle handle;
    private volatile bool terminateRequested;

    public OrtRunOptions()
    {
        OrtLibrary.Load();
        nint options;
        OrtStatus.Check(OrtApi.CreateRunOptions(&options), "CreateRunOptions");
        handle = new OrtRunOptionsHandle(options);
    }

    /// <summary>True after <see cref="Terminate"/> until <see cref="ResetTerminate"/>.</summary>
    public bool IsTerminateRequested => terminateRequested;

    internal OrtRunOptionsHandle Handle => handle;

    /// <summary>Sets ORT's terminate flag: running and future runs with these options stop.</summary>
    public void Terminate()
    {
        terminateRequested = true;
        OrtStatus.Check(OrtApi.RunOptionsSetTerminate(handle.Pointer), "RunOptionsSetTerminate");
    }

    /// <summary>Clears the terminate flag so the options can be used again.</summary>
    public void ResetTerminate()
    {
        OrtStatus.Check(OrtApi.RunOptionsUnsetTerminate(handle.Pointer), "RunOptionsUnsetTerminate");
        terminateRequested = false;
    }

    /// <summary>Log severity for this run's messages.</summary>
    public void SetLogSeverityLevel(OrtLoggingLevel level) =>
        OrtStatus.Check(OrtApi.RunOptionsSetRunLogSeverityLevel(handle.Pointer, (int)level), "RunOptionsSetRunLogSeverityLevel");

    /// <summary>Tag that identifies this run in ORT's logs.</summary>
    public void SetTag(string tag)
    {
        var bytes = Utf8.NullTerminated(tag);
        fixed (byte* tagPtr = bytes)
        {
            OrtStatus.Check(OrtApi.RunOptionsSetRunTag(handle.Pointer, tagPtr), "RunOptionsSetRunTag");
        }
    }

    /// <summary>Adds a run configuration entry (keys of ORT's run_options_config_keys.h).</summary>
    public void AddConfigEntry(string key, string value)
    {
        var keyBytes = Utf8.NullTerminated(key);
        var valueBytes = Utf8.NullTerminated(value);
        fixed (byte* keyPtr = keyBytes, valuePtr = valueBytes)
        {
            OrtStatus.Check(OrtApi.AddRunConfigEntry(handle.Pointer, keyPtr, valuePtr), $"AddRunConfigEntry '{key}'");
        }
    }

    public void Dispose() => handle.Dispose();
}
