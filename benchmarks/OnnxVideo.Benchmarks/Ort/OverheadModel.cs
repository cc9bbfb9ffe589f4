using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// The two models of the per-Run overhead comparison, written to fixed files so the .NET benchmark and the
/// onnxruntime-node peer load byte-identical models.
/// </summary>
public sealed record OverheadModel(string Name, string Path, IReadOnlyList<(string Name, long[] Shape)> Inputs, string Output)
{
    public static readonly string Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onnxvideo-bench-ort");

    /// <summary>Add of two 1×4 tensors: nearly all of a run is binding overhead.</summary>
    public static OverheadModel Add()
    {
        var g = new GraphBuilder("add");
        var a = g.Input("a", DataType.Float, 1, 4);
        var b = g.Input("b", DataType.Float, 1, 4);
        var sum = g.Node("Add", [a, b]);
        g.Output(sum, DataType.Float, 1, 4);
        return Write("add", g, [("a", [1, 4]), ("b", [1, 4])], sum);
    }

    /// <summary>One small Conv3-D (3→8 channels, 3×3×3, pad 1) on a 1×3×4×16×16 clip.</summary>
    public static OverheadModel Conv3d()
    {
        var g = new GraphBuilder("conv3d");
        var x = g.Input("x", DataType.Float, 1, 3, 4, 16, 16);
        var weights = new float[8 * 3 * 27];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = ((i % 13) - 6) / 30f;
        }

        var y = g.Node("Conv", [x, g.Initializer("w", weights, 8, 3, 3, 3, 3), g.Initializer("b", new float[8], 8)], new Dictionary<string, object>
        {
            ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 },
        });
        g.Output(y, DataType.Float, 1, 8, 4, 16, 16);
        return Write("conv3d", g, [("x", [1, 3, 4, 16, 16])], y);
    }

    public static OverheadModel ByName(string name) => name switch
    {
        "add" => Add(),
        "conv3d" => Conv3d(),
        _ => throw new ArgumentException($"unknown overhead model '{name}' (add, conv3d)", nameof(name)),
    };

    /// <summary>The fixed input values every side of the comparisons feeds (they do not matter, only that they are equal).</summary>
    public static float[] Pattern(long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var k = 0; k < data.Length; k++)
        {
            data[k] = ((k % 17) - 8) / 8f;
        }

        return data;
    }

    public long[] OutputShape => Name == "add" ? [1, 4] : [1, 8, 4, 16, 16];

    private static OverheadModel Write(string name, GraphBuilder graph, IReadOnlyList<(string, long[])> inputs, string output)
    {
        Directory.CreateDirectory(Folder);
        var path = System.IO.Path.Combine(Folder, name + ".onnx");
        OnnxModelFile.Save(OnnxModels.Create(graph.Graph), path);
        return new OverheadModel(name, path, inputs, output);
    }
}
