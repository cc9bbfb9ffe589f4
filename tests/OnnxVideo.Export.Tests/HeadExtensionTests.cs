using OnnxVideo.Models.Import;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Testing;

using OnnxVideo.Packaging.Contracts;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests;

/// <summary>Class-incremental head extension: old classes keep their logits, new ones are appended with their names.</summary>
public sealed class HeadExtensionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ExtendedZooHeadKeepsTheOldLogitsAndAppendsTheNewClasses()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, Frames = 4, Size = 32, Seed = 1 });
        ModelContracts.Write(model, new PreprocessingContract { Frames = 4, CropSize = 32, ResizeShortSide = 37, Labels = ["walk", "run", "jump"] });
        var input = RandomInput(2 * 3 * 4 * 32 * 32);
        var before = OrtModelRunner.RunAll(model, input, [2, 3, 4, 32, 32])["logits"];

        HeadExtension.Extend(model, ["sit", "wave"], seed: 0, "tiny3d", "new.txt");

        var after = OrtModelRunner.RunAll(model, input, [2, 3, 4, 32, 32])["logits"];
        Assert.Equal([2L, 5L], after.Shape);
        var oldColumns = Enumerable.Range(0, 2).SelectMany(row => after.Data.Skip(row * 5).Take(3)).ToArray();
        Assert.Equal(before.Data, oldColumns, new ToleranceComparer(1e-5f, 0));
        Assert.Equal(["walk", "run", "jump", "sit", "wave"], ModelContracts.Read(model, "tiny3d")!.Labels);
    }

    [Fact]
    public void MatMulAddHeadGrowsByColumns()
    {
        var g = new GraphBuilder("matmul_head");
        var x = g.Input("x", DataType.Float, "N", 4);
        var w = g.Initializer("w", new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 4, 3);
        var b = g.Initializer("b", new[] { 0.5f, -0.5f, 1f }, 3);
        var logits = g.Node("Add", [g.Node("MatMul", [x, w]), b]);
        GraphRewrites.RenameValue(g.Graph, logits, "logits");
        g.Output("logits", DataType.Float, "N", 3);
        var model = OnnxModels.Create(g.Graph);
        ModelContracts.Write(model, new PreprocessingContract { Labels = ["a", "b", "c"] });

        HeadExtension.Extend(model, ["d"], seed: 0, "matmul", "new.txt");

        var out1 = OrtModelRunner.RunAll(model, [1, 0, 0, 0, 0, 0, 0, 1], [2, 4])["logits"];
        Assert.Equal([2L, 4L], out1.Shape);
        Assert.Equal([1.5f, 1.5f, 4f], out1.Data.Take(3));
        Assert.Equal([10.5f, 10.5f, 13f], out1.Data.Skip(4).Take(3));
    }

    [Fact]
    public void PointwiseConvHeadGrowsByRowsAndKeepsTheOldLogits()
    {
        // s3d's head: a 1×1×1 Conv [C, F, 1, 1, 1] averaged over time and space.
        var g = new GraphBuilder("conv_head");
        var x = g.Input("x", DataType.Float, "N", 2, 2, 1, 1);
        var w = g.Initializer("w", new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2, 1, 1, 1);
        var b = g.Initializer("b", new[] { 0.5f, -0.5f, 1f }, 3);
        var conv = g.Node("Conv", [x, w, b], new Dictionary<string, object> { ["kernel_shape"] = new long[] { 1, 1, 1 } });
        var logits = g.Node("ReduceMean", [conv], new Dictionary<string, object> { ["axes"] = new long[] { 2, 3, 4 }, ["keepdims"] = 0L });
        GraphRewrites.RenameValue(g.Graph, logits, "logits");
        g.Output("logits", DataType.Float, "N", 3);
        var model = OnnxModels.Create(g.Graph);
        ModelContracts.Write(model, new PreprocessingContract { Labels = ["a", "b", "c"] });
        // One clip, features (1, 3) at t = 0 and (3, 5) at t = 1: the mean feature is (2, 4).
        float[] clip = [1, 3, 3, 5];

        HeadExtension.Extend(model, ["d", "e"], seed: 0, "conv", "new.txt");

        var result = OrtModelRunner.RunAll(model, clip, [1, 2, 2, 1, 1])["logits"];
        Assert.Equal([1L, 5L], result.Shape);
        // Old rows by hand: (1·2 + 2·4 + 0.5, 3·2 + 4·4 − 0.5, 5·2 + 6·4 + 1).
        Assert.Equal([10.5f, 21.5f, 35f], result.Data.Take(3), new ToleranceComparer(1e-5f, 0));
        var grown = model.Graph.Initializer.Single(t => t.Name == "w");
        Assert.Equal([5L, 2L, 1L, 1L, 1L], grown.Dims);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], TensorProtos.ToFloats(grown).Take(6));
        var bound = 1 / Math.Sqrt(2);
        Assert.All(TensorProtos.ToFloats(grown).Skip(6), v => Assert.InRange(v, -bound, bound));
        Assert.Equal(["a", "b", "c", "d", "e"], ModelContracts.Read(model, "conv")!.Labels);
    }

    [Theory]
    [InlineData("run", "'run' is already a class")]
    [InlineData("sit,sit", "'sit' is listed 2 times")]
    public void NewLabelsThatRepeatAreRefusedNamingTheLabel(string labels, string expected)
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, Frames = 4, Size = 32 });
        ModelContracts.Write(model, new PreprocessingContract { Frames = 4, CropSize = 32, ResizeShortSide = 37, Labels = ["walk", "run", "jump"] });
        var error = Assert.Throws<InvalidInputException>(() => HeadExtension.Extend(model, labels.Split(','), 0, "tiny3d", "new.txt"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("new.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeadExtendCommandWritesTheGrownModelAndRefusesARepeatedClassWithExitCode2()
    {
        var modelPath = Path.Combine(temp.Path, "m.onnx");
        var labels = Path.Combine(temp.Path, "labels.txt");
        File.WriteAllLines(labels, ["walk", "run"]);
        Assert.Equal(0, CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", labels, "--frames", "4", "--size", "32", "--out", modelPath).ExitCode);
        var extra = Path.Combine(temp.Path, "extra.txt");
        File.WriteAllLines(extra, ["jump"]);
        var grown = Path.Combine(temp.Path, "grown.onnx");

        var (code, stdout, stderr) = CliProcess.RunExport("head", "--model", modelPath, "--extend", extra, "--out", grown);
        Assert.True(code == 0, stderr);
        Assert.Contains("from 2 to 3 classes", stdout, StringComparison.Ordinal);
        Assert.Equal(["walk", "run", "jump"], ModelContracts.Read(OnnxModelFile.Load(grown), grown)!.Labels);

        File.WriteAllLines(extra, ["run"]);
        var (badCode, _, badError) = CliProcess.RunExport("head", "--model", modelPath, "--extend", extra, "--out", Path.Combine(temp.Path, "bad.onnx"));
        Assert.Equal(2, badCode);
        Assert.Contains("'run' is already a class", badError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "bad.onnx")));
    }

    private static float[] RandomInput(int count)
    {
        var random = new Random(3);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
