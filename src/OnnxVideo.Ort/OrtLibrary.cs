using System.Runtime.InteropServices;
using OnnxVideo.Ort.Native;

namespace OnnxVideo.Ort;

/// <summary>
/// The loaded ONNX Runtime native library. Loaded once per process, on first use or by <see cref="Load"/>.
/// Resolution order: explicit path → environment variable <c>ONNXVIDEO_ORT_LIBRARY</c> → the application folder →
/// <c>runtimes/&lt;rid&gt;/native</c> under the application folder (the NuGet layout) → the system's default probing.
/// An explicit path or the environment variable, when given, is used alone: loading something else instead would
/// surprise the caller who named it.
/// </summary>
public static unsafe class OrtLibrary
{
    /// <summary>The C API version this binding is written against.</summary>
    public const uint ApiVersion = 30;

    /// <summary>Environment variable naming the library file to load.</summary>
    public const string PathVariable = "ONNXVIDEO_ORT_LIBRARY";

    private static readonly object Gate = new();
    private static LoadedOrtLibrary? loaded;

    /// <summary>True once the native library is loaded.</summary>
    public static bool IsLoaded => Volatile.Read(ref loaded) is not null;

    /// <summary>Full path of the loaded library file (loads it when needed).</summary>
    public static string LibraryPath => Ensure().Path;

    /// <summary>The folder of the loaded library; ORT looks for its execution-provider libraries here.</summary>
    public static string LibraryDirectory => System.IO.Path.GetDirectoryName(Ensure().Path) ?? ".";

    /// <summary>ORT's version string, e.g. "1.30.0".</summary>
    public static string Version => Ensure().Version;

    /// <summary>ORT's build description (git commit, build flags).</summary>
    public static string BuildInfo
    {
        get
        {
            Ensure();
            return Utf8.ToString(OrtApi.GetBuildInfoString());
        }
    }

    /// <summary>
    /// Loads the library now. With <paramref name="explicitPath"/> that file is loaded; a second call naming a
    /// different file than the one already loaded throws, since a process can hold one ORT.
    /// </summary>
    public static string Load(string? explicitPath = null)
    {
        var current = Volatile.Read(ref loaded);
        if (current is not null && explicitPath is null)
        {
            return current.Path;
        }

        lock (Gate)
        {
            if (loaded is not null)
            {
                if (explicitPath is not null && !SameFile(explicitPath, loaded.Path))
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from '{loaded.Path}'; cannot switch to '{explicitPath}' in the same process.");
                }

                return loaded.Path;
            }

            // ORT's telemetry (a device id and an event database under ~/.cache/Microsoft) starts with the library;
            // only its environment variable, set before loading, keeps it from touching the disk.
            if (Environment.GetEnvironmentVariable(OrtEnvironment.TelemetryVariable) != "1")
            {
                ProcessEnvironment.SetDefault("ORT_DISABLE_TELEMETRY", "1");
            }

            var resolved = OrtLibraryResolver.Resolve(explicitPath, Environment.GetEnvironmentVariable(PathVariable));
            Volatile.Write(ref loaded, resolved);
            return resolved.Path;
        }
    }

    /// <summary>Execution providers compiled into the loaded ORT build (not whether their libraries are present).</summary>
    public static IReadOnlyList<string> GetCompiledProviders()
    {
        Ensure();
        byte** names;
        int count;
        OrtStatus.Check(OrtApi.GetAvailableProviders(&names, &count), "GetAvailableProviders");
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Utf8.ToString(names[i]);
            }

            return result;
        }
        finally
        {
            OrtStatus.Check(OrtApi.ReleaseAvailableProviders(names, count), "ReleaseAvailableProviders");
        }
    }

    internal static nint ApiSlot(int index) => Ensure().Table[index];

    private static LoadedOrtLibrary Ensure()
    {
        var current = Volatile.Read(ref loaded);
        if (current is not null)
        {
            return current;
        }

        Load();
        return loaded!;
    }

    private static bool SameFile(string a, string b) =>
        string.Equals(RealPath(a), RealPath(b), StringComparison.Ordinal);

    private static string RealPath(string path)
    {
        var info = new FileInfo(path);
        try
        {
            return (info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName;
        }
        catch (IOException)
        {
            return info.FullName;
        }
    }

    internal static IReadOnlyList<string> LibraryFileNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["onnxruntime.dll"];
        }

        return OperatingSystem.IsMacOS() ? ["libonnxruntime.dylib"] : ["libonnxruntime.so", "libonnxruntime.so.1"];
    }

    internal static nint[] ReadTable(nint apiBase, out string version)
    {
        // OrtApiBase is { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }.
        var baseSlots = (nint*)apiBase;
        var getApi = (delegate* unmanaged<uint, nint*>)baseSlots[0];
        var getVersion = (delegate* unmanaged<byte*>)baseSlots[1];
        version = Utf8.ToString(getVersion());
        var api = getApi(ApiVersion);
        if (api == null)
        {
            return [];
        }

        // Copy the slots this binding uses (all below 320, present since API 22) so later reads need no pointer
        // arithmetic on foreign memory.
        var table = new nint[320];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = api[i];
        }

        return table;
    }

    internal static bool TryGetApiBase(nint handle, out nint apiBase)
    {
        apiBase = 0;
        if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var export))
        {
            return false;
        }

        apiBase = (nint)((delegate* unmanaged<nint*>)export)();
        return apiBase != 0;
    }
}
