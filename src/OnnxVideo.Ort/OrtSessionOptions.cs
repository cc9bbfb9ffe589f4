using System.Globalization;
using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// Settings for creating an <see cref="OrtSession"/>. Plain managed settings: the native ORT options are built from
/// them when a session is created, so one instance can create many sessions.
/// Spinning of ORT's thread pools is off unless <see cref="AllowSpinning"/> is set: spinning threads burn the cores
/// that decoding and other sessions need.
/// </summary>
public sealed class OrtSessionOptions
{
    private readonly Dictionary<string, OrtValue> initializers = new(StringComparer.Ordinal);

    /// <summary>Threads of the intra-op pool; 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads of the inter-op pool (used in <see cref="ExecutionMode.Parallel"/>); 0 lets ORT choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Let idle pool threads spin waiting for work (ORT's default is on; ours is off).</summary>
    public bool AllowSpinning { get; set; }

    public GraphOptimizationLevel OptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    public ExecutionMode ExecutionMode { get; set; } = ExecutionMode.Sequential;

    public bool EnableCpuMemoryArena { get; set; } = true;

    /// <summary>ORT's memory pattern: plan the intermediate buffers of a run from the shapes of the previous one (ORT's
    /// default, on).</summary>
    public bool EnableMemoryPattern { get; set; } = true;

    /// <summary>Session log severity; null keeps the environment's.</summary>
    public OrtLoggingLevel? LogSeverityLevel { get; set; }

    public string? LogId { get; set; }

    /// <summary>
    /// When set, ORT records every node's run time and writes "&lt;prefix&gt;_&lt;date&gt;.json" (Chrome trace format)
    /// when the session is disposed.
    /// </summary>
    public string? ProfileFilePrefix { get; set; }

    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    public CudaProviderOptions Cuda { get; set; } = new();

    public TensorRtProviderOptions TensorRt { get; set; } = new();

    /// <summary>Fixed values for symbolic dimensions by name (e.g. "N" → 4), so ORT can plan memory ahead.</summary>
    public IDictionary<string, long> FreeDimensionOverrides { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Raw session configuration entries (keys of ORT's onnxruntime_session_options_config_keys.h).</summary>
    public IDictionary<string, string> ConfigEntries { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Initializers supplied from outside the model (<see cref="AddInitializer"/>).</summary>
    public IReadOnlyDictionary<string, OrtValue> Initializers => initializers;

    /// <summary>
    /// Uses <paramref name="value"/> for the model initializer <paramref name="name"/> instead of the model's data.
    /// The same value may be given to several sessions, which then share its memory. The caller owns the value and
    /// must not dispose it before every session created with it is disposed; sessions keep a reference to it.
    /// </summary>
    public OrtSessionOptions AddInitializer(string name, OrtValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        initializers[name] = value;
        return this;
    }

    internal OrtSessionOptionsHandle CreateNative(ExecutionProvider provider)
    {
        var native = ExecutionProviders.NewNativeOptions();
        try
        {
            SetRunOptions(native.Pointer);
            AddEntries(native.Pointer);
            AppendProviders(native.Pointer, provider);
            return native;
        }
        catch
        {
            native.Dispose();
            throw;
        }
    }

    /// <summary>Threads, graph optimisation, execution mode, memory, logging and profiling.</summary>
    private unsafe void SetRunOptions(nint options)
    {
        OrtStatus.Check(OrtApi.SetIntraOpNumThreads(options, IntraOpThreads), "SetIntraOpNumThreads");
        OrtStatus.Check(OrtApi.SetInterOpNumThreads(options, InterOpThreads), "SetInterOpNumThreads");
        OrtStatus.Check(OrtApi.SetSessionGraphOptimizationLevel(options, (int)OptimizationLevel), "SetSessionGraphOptimizationLevel");
        OrtStatus.Check(OrtApi.SetSessionExecutionMode(options, (int)ExecutionMode), "SetSessionExecutionMode");
        OrtStatus.Check(EnableCpuMemoryArena ? OrtApi.EnableCpuMemArena(options) : OrtApi.DisableCpuMemArena(options), "CpuMemArena");
        OrtStatus.Check(EnableMemoryPattern ? OrtApi.EnableMemPattern(options) : OrtApi.DisableMemPattern(options), "MemPattern");
        if (LogSeverityLevel is { } level)
        {
            OrtStatus.Check(OrtApi.SetSessionLogSeverityLevel(options, (int)level), "SetSessionLogSeverityLevel");
        }

        if (LogId is not null)
        {
            fixed (byte* id = Utf8.NullTerminated(LogId))
            {
                OrtStatus.Check(OrtApi.SetSessionLogId(options, id), "SetSessionLogId");
            }
        }

        if (ProfileFilePrefix is not null)
        {
            fixed (byte* prefix = Utf8.NullTerminated(ProfileFilePrefix))
            {
                OrtStatus.Check(OrtApi.EnableProfiling(options, prefix), "EnableProfiling");
            }
        }
    }

    /// <summary>Spinning and the other config entries, free dimension overrides and shared initializers.</summary>
    private unsafe void AddEntries(nint options)
    {
        var spinning = AllowSpinning ? "1" : "0";
        AddConfig(options, "session.intra_op.allow_spinning", spinning);
        AddConfig(options, "session.inter_op.allow_spinning", spinning);
        foreach (var (key, value) in ConfigEntries)
        {
            AddConfig(options, key, value);
        }

        foreach (var (dimension, value) in FreeDimensionOverrides)
        {
            fixed (byte* name = Utf8.NullTerminated(dimension))
            {
                OrtStatus.Check(OrtApi.AddFreeDimensionOverrideByName(options, name, value), $"AddFreeDimensionOverrideByName '{dimension}'");
            }
        }

        foreach (var (name, value) in initializers)
        {
            fixed (byte* namePtr = Utf8.NullTerminated(name))
            {
                OrtStatus.Check(OrtApi.AddInitializer(options, namePtr, value.Pointer), $"AddInitializer '{name}'");
            }
        }
    }

    private void AppendProviders(nint options, ExecutionProvider provider)
    {
        if (provider is ExecutionProvider.TensorRt or ExecutionProvider.Cuda)
        {
            // Bad settings are reported the same way whether or not this machine has the provider.
            Cuda.Validate();
            TensorRt.Validate();
        }

        if (provider is ExecutionProvider.TensorRt)
        {
            ExecutionProviders.AppendOrThrow(options, ExecutionProvider.TensorRt, Cuda, TensorRt);

            // CUDA takes the nodes TensorRT cannot; without its library TensorRT alone still works (CPU takes the rest).
            if (ExecutionProviders.IsCompiledIn(ExecutionProvider.Cuda) && ExecutionProviders.MissingLibraries(ExecutionProvider.Cuda).Count == 0)
            {
                ExecutionProviders.AppendOrThrow(options, ExecutionProvider.Cuda, Cuda, TensorRt);
            }
        }
        else if (provider is ExecutionProvider.Cuda)
        {
            ExecutionProviders.AppendOrThrow(options, ExecutionProvider.Cuda, Cuda, TensorRt);
        }
    }

    private static unsafe void AddConfig(nint options, string key, string value)
    {
        fixed (byte* keyPtr = Utf8.NullTerminated(key), valuePtr = Utf8.NullTerminated(value))
        {
            OrtStatus.Check(OrtApi.AddSessionConfigEntry(options, keyPtr, valuePtr), string.Create(CultureInfo.InvariantCulture, $"AddSessionConfigEntry '{key}'"));
        }
    }
}
