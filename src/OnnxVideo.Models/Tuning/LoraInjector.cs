using System.Text.RegularExpressions;
using OnnxVideo.Models.Import;
using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Adds LoRA branches to a graph, in peft's form: y = op(x, W) + s·op(op(dropout(x), A), B), A kaiming-uniform
/// (bound 1/√fan_in), B zero, so the model's output is unchanged before training. A and B become initializers named
/// "&lt;weight&gt;.lora_A" / "&lt;weight&gt;.lora_B". A convolution of any kernel gets peft's pair of convolutions:
/// A [r, in, k…] with the base's strides, pads and dilations, then B [out, r, 1…] pointwise. This trains faster than
/// the weight-delta form W + reshape(B·A): the frozen base convolution needs only its input gradient, while a merged
/// weight would need the full weight gradient of the large convolution every step; it merges exactly at export
/// (conv(conv(x, A), B) = conv(x, B·A) for a pointwise B).
/// </summary>
internal static class LoraInjector
{
    /// <summary>Injects adapters; with <paramref name="training"/> and a dropout rate, the branch input is dropped out.</summary>
    public static IReadOnlyList<LoraAdapter> Apply(GraphProto graph, LoraOptions options, ClassifierHead head, bool training)
    {
        var index = new GraphView(graph);
        var eligible = EligibleWeights(index).Where(w => w.Name != head.Weight).ToList();
        var regex = options.Target is null ? null : new Regex(options.Target, RegexOptions.CultureInvariant);
        var targets = eligible.Where(w => regex?.IsMatch(w.Name) ?? true).ToList();
        if (targets.Count == 0)
        {
            var names = string.Join(", ", eligible.Take(8).Select(w => w.Name)) + (eligible.Count > 8 ? ", …" : "");
            throw new TuningSpecException(TuningSpec.ForLora(options).ToString(),
                eligible.Count == 0
                    ? "the model has no MatMul/Gemm/ungrouped Conv weight besides the head to adapt"
                    : $"target matched none of the eligible weights ({names})");
        }
        var builder = GraphBuilder.Wrap(graph);
        var random = new Random(options.Seed);
        var adapters = new List<LoraAdapter>();
        foreach (var target in targets)
        {
            adapters.Add(AddAdapter(builder, target, options, random, training));
        }
        return adapters;
    }

    /// <summary>
    /// A weight to adapt and the nodes whose output gets the adapter's branch added; <paramref name="In"/> is the
    /// fan-in (in·k… for a convolution).
    /// </summary>
    private sealed record Target(string Name, LoraWeightLayout Layout, long[] Shape, long In, long Out, IReadOnlyList<NodeProto> Nodes);

    /// <summary>
    /// Float weights whose every use is the weight input of a MatMul, Gemm or ungrouped Conv, or a [out, in]
    /// weight transposed for MatMul (x·Wᵀ, as PyTorch's Linear is written on 3-D inputs).
    /// </summary>
    private static IEnumerable<Target> EligibleWeights(GraphView index)
    {
        foreach (var t in index.Graph.Initializer)
        {
            var uses = index.Consumers(t.Name);
            if (t.DataType != (int)TensorProto.Types.DataType.Float || uses.Count == 0)
            {
                continue;
            }
            var shape = t.Dims.ToArray();
            if (uses is [{ Node.OpType: "Transpose" } transpose] && shape.Length == 2 && IsMatrixTranspose(transpose.Node) &&
                index.Consumers(transpose.Node.Output[0]) is { Count: > 0 } products &&
                products.All(u => u.Node.OpType == "MatMul" && u.Input == 1))
            {
                yield return new Target(t.Name, LoraWeightLayout.OutputMajor, shape, shape[1], shape[0], products.Select(u => u.Node).ToList());
                continue;
            }
            var layouts = uses.Select(u => LayoutOf(u.Node, u.Input, t)).Distinct().ToList();
            if (layouts.Count == 1 && layouts[0] is { } layout)
            {
                var (inDim, outDim) = layout == LoraWeightLayout.InputMajor ? (shape[0], shape[1]) : (shape.Skip(1).Aggregate(1L, (a, d) => a * d), shape[0]);
                yield return new Target(t.Name, layout, shape, inDim, outDim, uses.Select(u => u.Node).ToList());
            }
        }
    }

    private static bool IsMatrixTranspose(NodeProto node) =>
        AttributeValues.Ints(node, "perm") is not { } perm || perm.SequenceEqual([1L, 0L]);

    private static LoraWeightLayout? LayoutOf(NodeProto node, int input, TensorProto weight)
    {
        if (input != 1)
        {
            return null;
        }
        return node.OpType switch
        {
            "MatMul" when weight.Dims.Count == 2 => LoraWeightLayout.InputMajor,
            "Gemm" when AttributeValues.Int(node, "transA", 0) == 0 =>
                AttributeValues.Int(node, "transB", 0) == 1 ? LoraWeightLayout.OutputMajor : LoraWeightLayout.InputMajor,
            "Conv" when weight.Dims.Count >= 3 && AttributeValues.Int(node, "group", 1) == 1 =>
                LoraWeightLayout.Convolution,
            _ => null,
        };
    }

    private static LoraAdapter AddAdapter(GraphBuilder g, Target target, LoraOptions options, Random random, bool training)
    {
        var r = options.Rank;
        var kernel = target.Shape.Skip(2).ToArray();
        var aShape = kernel.Length == 0 ? [r, target.In] : new long[] { r, target.Shape[1] }.Concat(kernel).ToArray();
        var bShape = new long[] { target.Out, r }.Concat(kernel.Select(_ => 1L)).ToArray();
        var bound = 1.0 / Math.Sqrt(target.In);
        var aData = new float[r * target.In];
        for (var i = 0; i < aData.Length; i++)
        {
            aData[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        }
        var a = g.Initializer(target.Name + LoraAdapter.ASuffix, aData, aShape);
        var b = g.Initializer(target.Name + LoraAdapter.BSuffix, new float[target.Out * r], bShape);

        var joins = new List<LoraJoin>();
        foreach (var node in target.Nodes)
        {
            var nodesBefore = g.Graph.Node.Count;
            var output = node.Output[0];
            var baseOutput = g.UniqueName(output + ".lora_base");
            node.Output[0] = baseOutput;
            var x = node.Input[0];
            if (training && options.Dropout > 0)
            {
                x = g.NodeMulti("Dropout", [x, g.Constant(options.Dropout), ScalarConstants.True(g)], 2, name: target.Name + ".lora_dropout")[0];
            }
            var branch = node.OpType switch
            {
                "Conv" => ConvBranch(g, node, x, a, b),
                "Gemm" => GemmBranch(g, node, x, a, b),
                _ => g.Node("MatMul", [g.Node("MatMul", [x, Transposed(g, a)]), Transposed(g, b)]),
            };
            var scaled = g.Node("Mul", [branch, g.Constant(options.Scale)]);
            var add = new NodeProto { OpType = "Add", Name = g.UniqueName(target.Name + ".lora_add") };
            add.Input.Add(baseOutput);
            add.Input.Add(scaled);
            add.Output.Add(output);
            g.Graph.Node.Add(add);
            GraphRewrites.MoveAppendedNodes(g.Graph, nodesBefore, g.Graph.Node.IndexOf(node) + 1);
            joins.Add(new LoraJoin(output, baseOutput));
        }
        return new LoraAdapter(target.Name, a, b, options.Scale, target.Layout, target.Shape, joins);
    }

    private static string Transposed(GraphBuilder g, string matrix) =>
        g.Node("Transpose", [matrix], new Dictionary<string, object> { ["perm"] = new long[] { 1, 0 } });

    private static string GemmBranch(GraphBuilder g, NodeProto gemm, string x, string a, string b)
    {
        var down = g.Node("Gemm", [x, a], new Dictionary<string, object> { ["transB"] = 1L });
        var alpha = AttributeValues.Float(gemm, "alpha", 1f);
        return g.Node("Gemm", [down, b], new Dictionary<string, object> { ["transB"] = 1L, ["alpha"] = alpha });
    }

    private static string ConvBranch(GraphBuilder g, NodeProto conv, string x, string a, string b)
    {
        var attributes = new Dictionary<string, object>();
        foreach (var name in conv.Attribute.Select(attribute => attribute.Name))
        {
            switch (name)
            {
                case "strides" or "pads" or "dilations":
                    attributes[name] = AttributeValues.Ints(conv, name)!;
                    break;
                case "auto_pad":
                    attributes[name] = AttributeValues.String(conv, name)!;
                    break;
            }
        }
        return g.Node("Conv", [g.Node("Conv", [x, a], attributes), b]);
    }
}
