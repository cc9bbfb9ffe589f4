using OnnxVideo.Autodiff;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Packaging;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Training-mode Dropout whose mask is a function of a seed fed to each step, so a step can be replayed bit for bit
/// (resume after a kill continues the same random stream). ORT's Dropout takes its seed from an attribute and
/// advances a generator hidden in the session, and RandomUniformLike cannot be re-seeded per run, so the mask is a
/// counter-based hash written with int64 Range/Mul/Add/Mod (exact on every provider; products stay below 2^62):
/// with p = 2^31 − 1, element i (flat index) of a site with salt c at seed s (1 ≤ s &lt; p):
/// h = ((i + 1)·s + c) mod p, then twice h ← (h⁵ mod p)·a + b mod p (x ↦ x⁵ is a bijection of Z_p since
/// gcd(5, p − 1) = 1), and the element is kept when h ≥ ⌈ratio·p⌉, scaled by 1 / (1 − ratio). The gradient is the
/// same Mul by the kept-and-scaled mask (the forward mask, reused).
/// </summary>
internal static class SeededDropout
{
    public const string SeedInput = "dropout_seed";
    public const long Prime = 2147483647;
    public static readonly (long A, long B)[] Rounds = [(1103515245, 12345), (69069, 907633385)];

    /// <summary>
    /// Replaces the training-mode Dropout nodes of <paramref name="graph"/> by seeded ones: every Dropout when
    /// <paramref name="modelDropout"/> (the model's own are exported in inference form), otherwise only those whose
    /// training_mode is the constant true (LoRA's). Adds the int64 scalar input <see cref="SeedInput"/> when any remain.
    /// </summary>
    public static IReadOnlyList<PackageDropoutSite> Rewrite(GraphProto graph, bool modelDropout, string sourceName)
    {
        var g = GraphBuilder.Wrap(graph);
        var shapes = ShapeInference.Run(graph);
        var sites = new List<PackageDropoutSite>();
        string? seed = null;
        foreach (var node in graph.Node.Where(n => n.OpType == "Dropout" && n.Domain.Length == 0).ToList())
        {
            var training = NodeValues.Input(node, 2) is { } t ? ConstantBool(shapes, t) : false;
            if (!(training == true || (modelDropout && training != true)))
            {
                continue;
            }
            var ratio = NodeValues.Input(node, 1) is { } r
                ? shapes.ConstantOf(r) is { } rt && ConstantTensors.ToDoubles(rt) is [var value] ? value
                    : throw new TrainingPackageException(sourceName, $"Dropout '{node.Name}' has a ratio computed at run time; compile with model dropout off")
                : 0.5;
            if (ratio is < 0 or >= 1)
            {
                throw new TrainingPackageException(sourceName, $"Dropout '{node.Name}' has ratio {ratio}, outside [0, 1)");
            }
            if (NodeValues.Output(node, 1) is { } maskOutput && (graph.Node.Any(n => n.Input.Contains(maskOutput)) || graph.Output.Any(o => o.Name == maskOutput)))
            {
                throw new TrainingPackageException(sourceName, $"Dropout '{node.Name}' exposes its mask, which training packages do not support");
            }
            var at = graph.Node.IndexOf(node);
            graph.Node.RemoveAt(at);
            var before = graph.Node.Count;
            if (ratio == 0)
            {
                Emit(g, "Identity", [node.Input[0]], node.Output[0]);
            }
            else
            {
                seed ??= g.Input(SeedInput, DataType.Int64);
                var salt = SaltOf(sites.Count);
                var mask = Mask(g, node.Input[0], shapes.ElemTypeOf(node.Input[0]), ratio, seed, salt);
                Emit(g, "Mul", [node.Input[0], mask], node.Output[0]);
                sites.Add(new PackageDropoutSite(node.Output[0], (float)ratio, salt));
            }
            GraphRewrites.MoveAppendedNodes(graph, before, at);
        }
        return sites;
    }

    /// <summary>Puts every Dropout in inference form (the identity): the eval graph and the exported model never drop.</summary>
    public static void MakeInference(GraphProto graph)
    {
        foreach (var node in graph.Node.Where(n => n.OpType == "Dropout" && n.Domain.Length == 0 && n.Input.Count > 2))
        {
            node.Input.RemoveAt(2);
        }
    }

    /// <summary>The salt of the <paramref name="ordinal"/>-th site: a multiplicative hash of its position, in [0, p).</summary>
    public static long SaltOf(int ordinal) => (ordinal + 1L) * 2654435761L % Prime;

    /// <summary>
    /// The kept-and-scaled mask (0 or 1 / (1 − ratio), of <paramref name="elemType"/>) for a value shaped like
    /// <paramref name="x"/>; <paramref name="seed"/> is an int64 scalar value.
    /// </summary>
    public static string Mask(GraphBuilder g, string x, DataType elemType, double ratio, string seed, long salt)
    {
        var p = Initializers.Int64Scalar(g, "dropout_p", Prime);
        var shape = g.Node("Shape", [x]);
        var one = Initializers.Int64Scalar(g, "dropout_one", 1);
        var index = g.Node("Range", [one, g.Node("Add", [g.Node("Size", [x]), one]), one]);
        var h = g.Node("Mod", [g.Node("Add", [g.Node("Mul", [g.Node("Reshape", [index, shape]), seed]), Initializers.Int64Scalar(g, "dropout_salt", salt)]), p]);
        foreach (var (a, b) in Rounds)
        {
            var h2 = g.Node("Mod", [g.Node("Mul", [h, h]), p]);
            var h4 = g.Node("Mod", [g.Node("Mul", [h2, h2]), p]);
            var h5 = g.Node("Mod", [g.Node("Mul", [h4, h]), p]);
            h = g.Node("Mod", [g.Node("Add", [g.Node("Mul", [h5, Initializers.Int64Scalar(g, "dropout_a", a)]), Initializers.Int64Scalar(g, "dropout_b", b)]), p]);
        }
        var keep = g.Node("GreaterOrEqual", [h, Initializers.Int64Scalar(g, "dropout_threshold", Threshold(ratio))]);
        var scale = Initializers.Add(g, ConstantTensors.Scalar("dropout_scale", 1 / (1 - ratio), elemType, rankZero: true), "dropout_scale");
        var zero = Initializers.Add(g, ConstantTensors.Scalar("dropout_zero", 0, elemType, rankZero: true), "dropout_zero");
        return g.Node("Where", [keep, scale, zero]);
    }

    /// <summary>⌈ratio·p⌉: hashes below it are dropped.</summary>
    public static long Threshold(double ratio) => (long)Math.Ceiling(ratio * Prime);

    private static bool? ConstantBool(ShapeInference shapes, string value) => shapes.ConstantOf(value) switch
    {
        { DataType: (int)DataType.Bool } t => t.Int32Data.Count > 0 ? t.Int32Data[0] != 0 : t.RawData.Length > 0 ? t.RawData[0] != 0 : null,
        { } t => ConstantTensors.ToDoubles(t) is [var v] ? v != 0 : null,
        null => null,
    };

    private static string Emit(GraphBuilder g, string op, IReadOnlyList<string> inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = g.UniqueName(output + "/" + op) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        g.Graph.Node.Add(node);
        return output;
    }
}
