using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// ORT's process-wide environment (logging, global state). ORT keeps one per process, so this binding exposes one:
/// <see cref="Shared"/>, created on first use. Call <see cref="Initialize"/> first to choose the logging level.
/// It lives until the process ends (releasing it during shutdown races ORT's own static destructors).
/// </summary>
public sealed unsafe class OrtEnvironment
{
    private static readonly object Gate = new();
    private static OrtEnvironment? shared;

    private OrtEnvironment(OrtLoggingLevel loggingLevel, string logId)
    {
        LoggingLevel = loggingLevel;
        LogId = logId;
        nint env;
        var id = Utf8.NullTerminated(logId);
        fixed (byte* idPtr = id)
        {
            OrtStatus.Check(OrtApi.CreateEnv((int)loggingLevel, idPtr, &env), "CreateEnv");
        }

        Handle = new OrtEnvHandle(env);
        TelemetryEnabled = Environment.GetEnvironmentVariable(TelemetryVariable) == "1";
        if (!TelemetryEnabled)
        {
            OrtStatus.Check(OrtApi.DisableTelemetryEvents(env), "DisableTelemetryEvents");
        }
    }

    /// <summary>Set to 1 to leave ONNX Runtime's telemetry on (off by default: ORT_DISABLE_TELEMETRY and DisableTelemetryEvents).</summary>
    public const string TelemetryVariable = "ONNXVIDEO_ORT_TELEMETRY";

    /// <summary>True when the user opted in to ONNX Runtime's telemetry with <see cref="TelemetryVariable"/>=1.</summary>
    public bool TelemetryEnabled { get; }

    /// <summary>The environment every session uses.</summary>
    public static OrtEnvironment Shared
    {
        get
        {
            var current = Volatile.Read(ref shared);
            return current ?? Initialize();
        }
    }

    public OrtLoggingLevel LoggingLevel { get; }

    public string LogId { get; }

    internal OrtEnvHandle Handle { get; }

    /// <summary>
    /// Registers a CPU arena with <paramref name="strategy"/> in this environment. Sessions use it instead of an arena
    /// of their own when their options set "session.use_env_allocators" to "1" (then they share it, too). Call it once
    /// per process: ORT 1.31 accepts a second call without an error, and which arena sessions then get is not documented.
    /// </summary>
    internal unsafe void RegisterCpuArena(OrtArenaExtendStrategy strategy)
    {
        var keys = Utf8.NullTerminated("arena_extend_strategy");
        nuint value = (nuint)(int)strategy;
        nint config;
        fixed (byte* key = keys)
        {
            var keyList = stackalloc byte*[] { key };
            OrtStatus.Check(OrtApi.CreateArenaCfgV2(keyList, &value, 1, &config), "CreateArenaCfgV2");
        }
        using var owned = new OrtArenaCfgHandle(config);
        OrtStatus.Check(OrtApi.CreateAndRegisterAllocator(Handle.Pointer, OrtMemoryInfo.Cpu.Pointer, config), "CreateAndRegisterAllocator");
    }

    /// <summary>
    /// Creates the shared environment with the given logging settings. Calling it again with the same settings
    /// returns the existing one; different settings after creation throw.
    /// </summary>
    public static OrtEnvironment Initialize(OrtLoggingLevel loggingLevel = OrtLoggingLevel.Warning, string logId = "onnxvideo")
    {
        OrtLibrary.Load();
        lock (Gate)
        {
            if (shared is null)
            {
                shared = new OrtEnvironment(loggingLevel, logId);
            }
            else if (shared.LoggingLevel != loggingLevel || shared.LogId != logId)
            {
                throw new InvalidOperationException(
                    $"The ONNX Runtime environment already exists with logging level {shared.LoggingLevel} and log id '{shared.LogId}'.");
            }

            return shared;
        }
    }
}
