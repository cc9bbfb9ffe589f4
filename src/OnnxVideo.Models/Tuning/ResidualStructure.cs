using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Finds the residual structure that adapters and prompts attach to: pre-norm transformer blocks (zoo video_vit,
/// ViTs exported by torch.onnx.export with LayerNormalization) and the residual Adds of 3-D CNN blocks.
/// </summary>
internal static class ResidualStructure
{
    /// <summary>
    /// The transformer blocks in graph order. A residual Add is Add(s, t) where s also feeds a LayerNormalization
    /// whose output t depends on; the branch is attention when it contains a Softmax, MLP otherwise; a block is an
    /// attention residual followed by the MLP residual that adds to its output.
    /// </summary>
    public static IReadOnlyList<TransformerBlock> TransformerBlocks(GraphProto graph)
    {
        var index = new GraphView(graph);
        var residuals = new List<(NodeProto Add, int Branch, bool Attention, long Width)>();
        foreach (var add in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2 && n.Output.Count == 1))
        {
            if (PreNormResidual(index, add) is { } residual)
            {
                residuals.Add((add, residual.Branch, residual.Attention, residual.Width));
            }
        }
        var blocks = new List<TransformerBlock>();
        for (var i = 0; i + 1 < residuals.Count; i++)
        {
            var (attention, mlp) = (residuals[i], residuals[i + 1]);
            if (attention.Attention && !mlp.Attention && mlp.Add.Input[1 - mlp.Branch] == attention.Add.Output[0] && attention.Width == mlp.Width)
            {
                blocks.Add(new TransformerBlock(blocks.Count, attention.Add.Input[1 - attention.Branch], attention.Add, attention.Branch, mlp.Add, mlp.Branch, attention.Width));
                i++;
            }
        }
        return blocks;
    }

    private static (int Branch, bool Attention, long Width)? PreNormResidual(GraphView index, NodeProto add)
    {
        for (var branch = 0; branch < 2; branch++)
        {
            var (stream, value) = (add.Input[1 - branch], add.Input[branch]);
            if (index.Constant(stream) is not null || index.Constant(value) is not null || stream == value)
            {
                continue;
            }
            var norm = index.Consumers(stream).Where(u => u.Node.OpType == "LayerNormalization" && u.Input == 0).Select(u => u.Node).FirstOrDefault();
            if (norm is null || index.Initializer(norm.Input.ElementAtOrDefault(1) ?? "") is not { Dims.Count: 1 } scale)
            {
                continue;
            }
            var ancestors = index.Ancestors(value);
            if (!ancestors.Contains(norm))
            {
                continue;
            }
            var before = index.Ancestors(stream);
            var attention = ancestors.Any(n => n.OpType == "Softmax" && !before.Contains(n));
            return (branch, attention, scale.Dims[0]);
        }
        return null;
    }

    /// <summary>
    /// The residual blocks of a 3-D CNN: Adds of two computed [N, C, T, H, W] values of the same shape; the site is the
    /// block's output (the ReLU that alone reads the Add, as torchvision's BasicBlock ends, else the Add).
    /// </summary>
    public static IReadOnlyList<ResidualSite> ConvolutionBlocks(GraphProto graph)
    {
        var index = new GraphView(graph);
        var shapes = ShapeInference.Run(graph);
        var sites = new List<ResidualSite>();
        foreach (var add in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2 && n.Output.Count == 1))
        {
            if (add.Input.Any(v => index.Constant(v) is not null) ||
                shapes.ShapeOf(add.Input[0]) is not { Rank: 5 } a || shapes.ShapeOf(add.Input[1]) is not { Rank: 5 } b ||
                !a.SameAs(b) || a[1].Value is not { } channels)
            {
                continue;
            }
            var output = add.Output[0];
            if (index.Consumers(output) is [{ Node.OpType: "Relu" } relu])
            {
                output = relu.Node.Output[0];
            }
            sites.Add(new ResidualSite($"adapter.{sites.Count}.block", add, -1, output, channels, Tokens: false));
        }
        return sites;
    }
}
