using OnnxVideo.Benchmarks.Ort;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// The peer rows about ONNX Runtime bindings: our OnnxVideo.Ort against onnxruntime-node (its own native build) and
/// against the official C# API on our very native file. Ours and the peer alternate twice so both see the same
/// machine load, and the lower median of each side is kept.
/// </summary>
public static class OrtPeerRows
{
    public const string NodeTask = "ORT per-Run overhead, small Conv3d, 1 thread";

    public static PeerRow NodeOverhead(string root)
    {
        const int runs = 2_000;
        var model = OverheadModel.Conv3d();
        PerRunTimer.Timing? ours = null;
        NodeOverheadPeer.Result? node = null;
        for (var round = 0; round < 2; round++)
        {
            ours = PerRunTimer.Lower(ours, OrtOverheadComparison.TimeOurs(model, runs).Plain);
            var peer = NodeOverheadPeer.Run(model, root, runs, runs / 10);
            node = node is null || peer.MedianMicroseconds < node.MedianMicroseconds ? peer : node;
        }

        var same = node!.NativeLibrarySha256 == ManagedApiPeer.OurNativeLibrarySha256 ? "same native file" : "its own native build";
        return new PeerRow(NodeTask, NodeOverheadPeer.PeerName, ours!.MedianMicroseconds / 1e6, node.MedianMicroseconds / 1e6,
            $"median of single runs; onnxruntime-node {node.Version}, {same}");
    }

    public static string OverheadTask(OverheadModel model, string mode) =>
        $"ORT per-Run overhead, {(model.Name == "add" ? "Add 1×4" : "small Conv3d")}, 1 thread, {mode}";

    /// <summary>Two rows for one overhead model: plain Run returning new values, and IoBinding bound once.</summary>
    public static IReadOnlyList<PeerRow> ManagedApiOverhead(string root, OverheadModel model, int runs)
    {
        PerRunTimer.Timing? ourRun = null, ourBound = null, peerRun = null, peerBound = null;
        ManagedApiPeer.Result? peer = null;
        for (var round = 0; round < 2; round++)
        {
            var ours = OrtOverheadComparison.TimeOurs(model, runs);
            ourRun = PerRunTimer.Lower(ourRun, ours.Plain);
            ourBound = PerRunTimer.Lower(ourBound, ours.Bound);
            peer = ManagedApiPeer.Run(root, model, intraOpThreads: 1, runs, runs / 10);
            peerRun = PerRunTimer.Lower(peerRun, peer.Run);
            peerBound = PerRunTimer.Lower(peerBound, peer.IoBinding);
        }

        var note = ManagedApiNote(peer!, "median of single runs");
        return
        [
            new PeerRow(OverheadTask(model, "Run"), ManagedApiPeer.PeerName, ourRun!.MedianMicroseconds / 1e6, peerRun!.MedianMicroseconds / 1e6, note),
            new PeerRow(OverheadTask(model, "IoBinding"), ManagedApiPeer.PeerName, ourBound!.MedianMicroseconds / 1e6, peerBound!.MedianMicroseconds / 1e6, note),
        ];
    }

    /// <summary>A zoo model's plain Run (new output values) through both bindings, same file, input and threads.</summary>
    public static PeerRow ManagedApiInference(string root, string arch, int batch, int frames, int size, int threads, int iterations)
    {
        Directory.CreateDirectory(OverheadModel.Folder);
        var path = Path.Combine(OverheadModel.Folder, $"{arch}-{frames}x{size}.onnx");
        OnnxModelFile.Save(ModelZoo.Build(arch, new ZooOptions { Classes = 10, Frames = frames, Size = size, Seed = 0 }), path);
        long[] shape = [batch, .. ModelZoo.Get(arch).InputShape(frames, size)];
        var runs = 2 * iterations + 1;
        PerRunTimer.Timing? ours = null, theirs = null;
        ManagedApiPeer.Result? peer = null;
        for (var round = 0; round < 2; round++)
        {
            ours = PerRunTimer.Lower(ours, TimeOurInference(path, shape, threads, runs));
            peer = ManagedApiPeer.Run(root, path, [(ModelZoo.InputName, shape)], threads, runs, warmup: 1);
            theirs = PerRunTimer.Lower(theirs, peer.Run);
        }

        return new PeerRow($"{arch} inference {string.Join('×', shape)}", ManagedApiPeer.PeerName, ours!.MedianMicroseconds / 1e6,
            theirs!.MedianMicroseconds / 1e6, ManagedApiNote(peer!, $"median of {runs} runs, {threads} threads"));
    }

    private static PerRunTimer.Timing TimeOurInference(string path, long[] shape, int threads, int runs)
    {
        using var session = new OrtSession(path, new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 });
        using var input = OrtValue.CreateTensor(OverheadModel.Pattern(shape), shape);
        string[] inputNames = [ModelZoo.InputName], outputNames = [session.OutputNames[0]];
        OrtValue[] inputs = [input];
        return PerRunTimer.Measure(() =>
        {
            var outputs = session.Run(inputNames, inputs, outputNames);
            _ = outputs[0].GetTensorSpan<float>()[0];
            outputs[0].Dispose();
        }, runs, warmup: 1);
    }

    private static string ManagedApiNote(ManagedApiPeer.Result peer, string timing) =>
        $"{timing}; Microsoft.ML.OnnxRuntime.Managed {peer.ManagedApiVersion.Split('+')[0]} on our libonnxruntime.so (ORT {peer.OrtVersion}, SHA-256 checked)";
}
