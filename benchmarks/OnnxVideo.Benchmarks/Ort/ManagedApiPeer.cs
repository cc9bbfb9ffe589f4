using System.Globalization;
using System.Security.Cryptography;
using OnnxVideo.Benchmarks.Peers;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// Runs benchmarks/peers/OrtManagedPeer (ONNX Runtime's official C# API, Microsoft.ML.OnnxRuntime.Managed) in its
/// own process on the native library file our binding loaded, and reads its JSON. The peer project is not part of
/// OnnxVideo.sln: it is built here on first use. A peer that reports a different file or ORT version than ours is
/// refused, since the comparison would then measure two native builds rather than two bindings.
/// </summary>
public static class ManagedApiPeer
{
    public const string PeerName = "ORT C# API";

    private static readonly object BuildGate = new();
    private static string? builtAssembly;

    public sealed record Result(PerRunTimer.Timing Run, PerRunTimer.Timing IoBinding, string ManagedApiVersion, string OrtVersion, string NativeLibrary, string RawJson);

    public static Result Run(string repositoryRoot, OverheadModel model, int intraOpThreads, int runs, int warmup) =>
        Run(repositoryRoot, model.Path, model.Inputs, intraOpThreads, runs, warmup);

    public static Result Run(string repositoryRoot, string modelPath, IReadOnlyList<(string Name, long[] Shape)> inputs, int intraOpThreads, int runs, int warmup)
    {
        var arguments = new List<string>
        {
            Build(repositoryRoot), "--model", modelPath, "--library", OrtLibrary.LibraryPath,
            "--runs", Text(runs), "--warmup", Text(warmup), "--intra", Text(intraOpThreads), "--inter", "1",
        };
        foreach (var (name, shape) in inputs)
        {
            arguments.AddRange(["--input", $"{name}:{string.Join(',', shape)}"]);
        }

        using var json = PeerProcess.RunJson("dotnet", arguments, "the C# API peer");
        var root = json.RootElement;
        var result = new Result(
            new PerRunTimer.Timing(root.GetProperty("run_mean_us").GetDouble(), root.GetProperty("run_median_us").GetDouble()),
            new PerRunTimer.Timing(root.GetProperty("iobinding_mean_us").GetDouble(), root.GetProperty("iobinding_median_us").GetDouble()),
            root.GetProperty("managed_api_version").GetString() ?? "?",
            root.GetProperty("ort_version").GetString() ?? "?",
            root.GetProperty("native_library").GetString() ?? "?",
            root.GetRawText());
        var sha = root.GetProperty("native_library_sha256").GetString();
        if (sha != OurNativeLibrarySha256 || result.OrtVersion != OrtLibrary.Version)
        {
            throw new InvalidOperationException(
                $"the C# API peer loaded {result.NativeLibrary} (ORT {result.OrtVersion}), not our {OrtLibrary.LibraryPath} (ORT {OrtLibrary.Version})");
        }

        return result;
    }

    public static string OurNativeLibrarySha256 => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(OrtLibrary.LibraryPath)));

    private static string Build(string repositoryRoot)
    {
        lock (BuildGate)
        {
            if (builtAssembly is not null)
            {
                return builtAssembly;
            }

            var project = Path.Combine(repositoryRoot, "benchmarks", "peers", "OrtManagedPeer");
            Console.WriteLine("    building benchmarks/peers/OrtManagedPeer (dotnet build) …");
            var outcome = PeerProcess.Run("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "q", "-clp:ErrorsOnly", "--disable-build-servers"]);
            if (outcome.ExitCode != 0)
            {
                var errors = (outcome.StandardOutput + outcome.StandardError).Trim().Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.Ordinal));
                throw new InvalidOperationException($"dotnet build of {project} failed (exit {outcome.ExitCode}): {errors?.Trim()}");
            }

            // The peer targets the framework this harness runs on (both take it from Directory.Build.props).
            var assembly = Path.Combine(project, "bin", "Release", $"net{Environment.Version.Major}.0", "OrtManagedPeer.dll");
            return builtAssembly = File.Exists(assembly) ? assembly : throw new InvalidOperationException($"dotnet build did not produce {assembly}");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
