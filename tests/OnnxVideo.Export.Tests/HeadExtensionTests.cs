using OnnxVideo.Export.Tests.Cli;
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
        var before = ImportTestsOrt.Run(model, input, [2, 3, 4, 32, 32])["logits"];

        HeadExtension.Extend(model, ["sit", "wave"], seed: 0, "tiny3d", "new.txt");

        var after = ImportTestsOrt.Run(model, input, [2, 3, 4, 32, 32])["logits"];
        Assert.Equal([2L, 5L], after.Shape);
        var oldColumns = Enumerable.Range(0, 2).SelectMany(row => after.Data.Skip(row * 5).Take(3)).ToArray();
        ImportTestsOrt.AssertClose(before.Data, oldColumns, 1e-5);
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

        var out1 = ImportTestsOrt.Run(model, [1, 0, 0, 0, 0, 0, 0, 1], [2, 4])["logits"];
        Assert.Equal([2L, 4L], out1.Shape);
        Assert.Equal([1.5f, 1.5f, 4f], out1.Data.Take(3));
        Assert.Equal([10.5f, 10.5f, 13f], out1.Data.Skip(4).Take(3));
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
        Assert.Equal(0, ExportToolRunner.Run("create", "--arch", "tiny3d", "--classes", labels, "--frames", "4", "--size", "32", "--out", modelPath).ExitCode);
        var extra = Path.Combine(temp.Path, "extra.txt");
        File.WriteAllLines(extra, ["jump"]);
        var grown = Path.Combine(temp.Path, "grown.onnx");

        var (code, stdout, stderr) = ExportToolRunner.Run("head", "--model", modelPath, "--extend", extra, "--out", grown);
        Assert.True(code == 0, stderr);
        Assert.Contains("from 2 to 3 classes", stdout, StringComparison.Ordinal);
        Assert.Equal(["walk", "run", "jump"], ModelContracts.Read(OnnxModelFile.Load(grown), grown)!.Labels);

        File.WriteAllLines(extra, ["run"]);
        var (badCode, _, badError) = ExportToolRunner.Run("head", "--model", modelPath, "--extend", extra, "--out", Path.Combine(temp.Path, "bad.onnx"));
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
