using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

/// <summary>Tiny models built with OnnxVideo.Onnx for the binding tests.</summary>
internal static class TestModels
{
    public static byte[] ToBytes(GraphBuilder graph, int opset = 17) => OnnxModelFile.ToBytes(OnnxModels.Create(graph.Graph, opset));

    /// <summary>sum = a + b, both [1, 4] float.</summary>
    public static byte[] Add()
    {
        var g = new GraphBuilder("add");
        var a = g.Input("a", DataType.Float, 1, 4);
        var b = g.Input("b", DataType.Float, 1, 4);
        g.Output(Rename(g, g.Node("Add", [a, b]), "sum"), DataType.Float, 1, 4);
        return ToBytes(g);
    }

    /// <summary>
    /// A Loop of <paramref name="iterations"/> steps of v ← tanh(v·W) on a [1, 64] state: runs for minutes when the
    /// count is large, so it can only finish early by being cancelled.
    /// </summary>
    public static byte[] LongLoop(long iterations)
    {
        var body = new GraphBuilder("body");
        body.Input("iteration", DataType.Int64);
        var conditionIn = body.Input("condition_in", DataType.Bool);
        var state = body.Input("state_in", DataType.Float, 1, 64);
        var next = body.Node("Tanh", [body.Node("MatMul", [state, "w"])]);
        body.Output(body.Node("Identity", [conditionIn]), DataType.Bool);
        body.Output(next, DataType.Float, 1, 64);

        var g = new GraphBuilder("long_loop");
        var x = g.Input("x", DataType.Float, 1, 64);
        g.Initializer("w", TestData.Random(64 * 64, 9), 64, 64);
        var count = g.AddInitializer(TensorProtos.FromInt64s("iterations", [iterations]));
        var final = g.Node("Loop", [count, "", x], new Dictionary<string, object> { ["body"] = body.Graph });
        g.Output(final, DataType.Float, 1, 64);
        return ToBytes(g);
    }

    /// <summary>Gives the last node's output a fixed name so peers (the node benchmark) can ask for it.</summary>
    public static string Rename(GraphBuilder graph, string output, string name)
    {
        var node = graph.Graph.Node[^1];
        var index = node.Output.IndexOf(output);
        node.Output[index] = name;
        return name;
    }

    public static ModelProto Model(GraphBuilder graph, int opset = 17) => OnnxModels.Create(graph.Graph, opset);
}
