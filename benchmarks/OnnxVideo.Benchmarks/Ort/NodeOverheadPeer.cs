using System.Globalization;
using OnnxVideo.Benchmarks.Peers;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// Runs benchmarks/peers/ort-node-overhead.js (onnxruntime-node, which loads the native library shipped in its own
/// npm package) and reads its JSON. <c>./build.sh bench</c> installs the package under
/// .cache/ort-node/&lt;version&gt;/node_modules when npm is present; without it the row is skipped.
/// </summary>
public static class NodeOverheadPeer
{
    public const string PeerName = "onnxruntime-node";

    public sealed record Result(double MeanMicroseconds, double MedianMicroseconds, string Version, string NativeLibrary, string NativeLibrarySha256, string RawJson);

    public static Result Run(OverheadModel model, string repositoryRoot, int runs, int warmup)
    {
        var package = PackageFolder(repositoryRoot);
        if (!PeerProcess.OnPath("node"))
        {
            throw new PeerSkippedException("node not available");
        }

        var arguments = new List<string>
        {
            Path.Combine(repositoryRoot, "benchmarks", "peers", "ort-node-overhead.js"), "--model", model.Path, "--ort", package,
            "--runs", runs.ToString(CultureInfo.InvariantCulture), "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--intra", "1", "--inter", "1",
        };
        foreach (var (name, shape) in model.Inputs)
        {
            arguments.AddRange(["--input", $"{name}:{string.Join(',', shape)}"]);
        }

        using var json = PeerProcess.RunJson("node", arguments, "the node peer");
        var root = json.RootElement;
        return new Result(
            root.GetProperty("mean_us").GetDouble(),
            root.GetProperty("median_us").GetDouble(),
            root.GetProperty("version").GetString() ?? "?",
            root.GetProperty("native_library").GetString() ?? "?",
            root.GetProperty("native_library_sha256").GetString() ?? "?",
            json.RootElement.GetRawText());
    }

    /// <summary>The newest .cache/ort-node/&lt;version&gt;/node_modules/onnxruntime-node, or a skip saying why there is none.</summary>
    public static string PackageFolder(string repositoryRoot)
    {
        var cache = Path.Combine(repositoryRoot, ".cache", "ort-node");
        var newest = (Directory.Exists(cache) ? Directory.GetDirectories(cache) : [])
            .Select(folder => (Version: Version.TryParse(Path.GetFileName(folder), out var v) ? v : null, Package: Path.Combine(folder, "node_modules", "onnxruntime-node")))
            .Where(c => c.Version is not null && File.Exists(Path.Combine(c.Package, "package.json"))
                && File.Exists(Path.Combine(c.Package, "..", "onnxruntime-common", "package.json")))
            .OrderByDescending(c => c.Version)
            .Select(c => c.Package)
            .FirstOrDefault();
        return newest ?? throw new PeerSkippedException(PeerProcess.OnPath("npm")
            ? "onnxruntime-node not installed in .cache/ort-node (./build.sh bench installs it with npm)"
            : "npm not available");
    }
}
