// Peer of the per-Run overhead comparison: the official ONNX Runtime C# API (Microsoft.ML.OnnxRuntime.Managed) on
// the native library our binding loads, in its own process. Prints one JSON line.
//
//   dotnet OrtManagedPeer.dll --model m.onnx --input x:1,3,4,16,16 [--input ...] [--runs 20000] [--warmup 2000]
//        [--intra 1] [--inter 1] [--library /path/to/libonnxruntime.so]
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using OnnxVideo.Benchmarks.Ort;
using Microsoft.ML.OnnxRuntime;
using OrtManagedPeer;

PeerArguments arguments;
try
{
    arguments = PeerArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"ort-managed-peer: {e.Message}");
    return 2;
}

if (arguments.Library is { } library)
{
    // The managed API imports "onnxruntime"; this makes it load the very file our binding loaded.
    NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, (name, _, _) => name == "onnxruntime" ? NativeLibrary.Load(library) : 0);
}

try
{
    var version = OrtEnv.Instance().GetVersionString();
    PerRunTimer.Timing plain, bound;
    using (var runs = new ManagedApiRuns(arguments))
    {
        plain = PerRunTimer.Measure(() => runs.PlainRun(), arguments.Runs, arguments.Warmup);
        bound = PerRunTimer.Measure(() => runs.BoundRun(), arguments.Runs, arguments.Warmup);
    }

    var (nativePath, nativeSha256) = MappedNativeLibrary.Find();
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["peer"] = "Microsoft.ML.OnnxRuntime (C# API)",
        ["managed_api_version"] = typeof(OrtEnv).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?",
        ["ort_version"] = version,
        ["native_library"] = nativePath,
        ["native_library_sha256"] = nativeSha256,
        ["model"] = Path.GetFullPath(arguments.Model),
        ["runs"] = arguments.Runs,
        ["intra_op_threads"] = arguments.IntraOpThreads,
        ["inter_op_threads"] = arguments.InterOpThreads,
        ["run_median_us"] = plain.MedianMicroseconds,
        ["run_mean_us"] = plain.MeanMicroseconds,
        ["iobinding_median_us"] = bound.MedianMicroseconds,
        ["iobinding_mean_us"] = bound.MeanMicroseconds,
    }));
    return 0;
}
catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or IOException or DllNotFoundException)
{
    Console.Error.WriteLine($"ort-managed-peer: {e.GetType().Name}: {e.Message}");
    return 1;
}
