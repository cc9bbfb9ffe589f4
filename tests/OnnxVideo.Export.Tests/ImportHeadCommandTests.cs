using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.Export.Tests;

/// <summary><c>onnxvideo-export head</c> run as a child process on models exported by torch.onnx.export.</summary>
public sealed class ImportHeadCommandTests(ImportTestsFixture fixture) : IClassFixture<ImportTestsFixture>
{
    [Fact]
    public void NewHeadForLabelsFileWritesContractAndKeepsFeatures()
    {
        var reference = fixture.Case("mc3_18_batchnorm");
        var labels = Temp("labels.txt");
        File.WriteAllLines(labels, ["walking", "", "running ", "jumping", "sitting"]);
        var output = Temp("mc3_head.onnx");

        var (code, stdout, stderr) = CliProcess.RunExport("head", "--model", reference.ModelPath, "--classes", labels,
            "--out", output, "--features", "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--sampling", "dense");

        Assert.True(code == 0, stderr);
        Assert.Contains("new head 512 → 4", stdout, StringComparison.Ordinal);
        var model = OnnxModelFile.Load(output);
        var contract = ModelContracts.Read(model, output)!;
        Assert.Equal(new[] { "walking", "running", "jumping", "sitting" }, contract.Labels);
        Assert.Equal(TensorLayout.NCTHW, contract.Layout);
        Assert.Equal(4, contract.Frames);
        Assert.Equal(32, contract.CropSize);
        Assert.Equal(37, contract.ResizeShortSide);
        Assert.Equal(new[] { 0.5f, 0.5f, 0.5f }, contract.Mean);
        Assert.Equal(new[] { 0.25f, 0.25f, 0.25f }, contract.Std);
        Assert.Equal(SamplingMode.Dense, contract.Sampling);
        var outputs = OrtModelRunner.RunAll(model, reference.Input, reference.InputShape);
        Assert.Equal(new long[] { reference.InputShape[0], 4 }, outputs["logits"].Shape);
        Assert.Equal(reference.Features, outputs["features"].Data, new ToleranceComparer(1e-4f, 0));
    }

    [Fact]
    public void KeepHeadGivesPyTorchLogits()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var output = Temp("tiny_kept.onnx");

        var (code, _, stderr) = CliProcess.RunExport("head", "--model", reference.ModelPath, "--classes", "5", "--out", output, "--keep-head");

        Assert.True(code == 0, stderr);
        var model = OnnxModelFile.Load(output);
        Assert.Equal(5, ModelContracts.Read(model, output)!.Labels.Length);
        var outputs = OrtModelRunner.RunAll(model, reference.Input, reference.InputShape);
        Assert.Equal(reference.Logits, outputs["logits"].Data, new ToleranceComparer(1e-4f, 0));
    }

    [Fact]
    public void ClassCountThatDoesNotFitTheKeptHeadIsRefused()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var output = Temp("tiny_mismatch.onnx");

        var (code, _, stderr) = CliProcess.RunExport("head", "--model", reference.ModelPath, "--classes", "3", "--out", output, "--keep-head");

        AssertCleanFailure(code, stderr, "class count mismatch");
        Assert.Contains("5 outputs", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void MissingModelFileIsNamed()
    {
        var missing = Temp("nowhere.onnx");
        var (code, _, stderr) = CliProcess.RunExport("head", "--model", missing, "--classes", "3", "--out", Temp("x.onnx"));
        AssertCleanFailure(code, stderr, missing);
    }

    [Fact]
    public void MalformedModelFileIsNamed()
    {
        var garbage = Temp("garbage.onnx");
        File.WriteAllText(garbage, "this is not a protobuf model");
        var (code, _, stderr) = CliProcess.RunExport("head", "--model", garbage, "--classes", "3", "--out", Temp("x.onnx"));
        AssertCleanFailure(code, stderr, garbage);
    }

    [Fact]
    public void MissingLabelsFileIsNamed()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var labels = Temp("no_labels.txt");
        var (code, _, stderr) = CliProcess.RunExport("head", "--model", reference.ModelPath, "--classes", labels, "--out", Temp("x.onnx"));
        AssertCleanFailure(code, stderr, labels);
    }

    [Fact]
    public void ContractContradictingTheModelInputIsRefused()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var (code, _, stderr) = CliProcess.RunExport("head", "--model", reference.ModelPath, "--classes", "3", "--out", Temp("x.onnx"), "--frames", "8");
        AssertCleanFailure(code, stderr, "frames 8");
    }

    [Fact]
    public void ModelWithoutHeadIsRefusedNamingItsEnding()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var model = OnnxModelFile.Load(reference.ModelPath);
        // Cut the graph after the pooling: its output is now the pooled features.
        var pool = model.Graph.Node.First(n => n.OpType == "GlobalAveragePool");
        var index = model.Graph.Node.IndexOf(pool);
        while (model.Graph.Node.Count > index + 1)
        {
            model.Graph.Node.RemoveAt(index + 1);
        }
        model.Graph.Output[0].Name = pool.Output[0];
        model.Graph.Output[0].Type.TensorType.Shape = null;
        var headless = Temp("headless.onnx");
        OnnxModelFile.Save(model, headless);

        var (code, _, stderr) = CliProcess.RunExport("head", "--model", headless, "--classes", "3", "--out", Temp("x.onnx"));

        AssertCleanFailure(code, stderr, "Conv → Relu → GlobalAveragePool");
    }

    [Fact]
    public void HeadOnAZooVideoVitKeepsItsNtchwContractAndFeatures()
    {
        var created = Temp("vit.onnx");
        var (code1, _, stderr1) = CliProcess.RunExport("create", "--arch", "video_vit", "--classes", "3", "--frames", "4", "--size", "32", "--out", created, "--features");
        Assert.True(code1 == 0, stderr1);
        var output = Temp("vit_head.onnx");

        var (code2, _, stderr2) = CliProcess.RunExport("head", "--model", created, "--classes", "5", "--out", output, "--features");

        Assert.True(code2 == 0, stderr2);
        var model = OnnxModelFile.Load(output);
        var contract = ModelContracts.Read(model, output)!;
        Assert.Equal(TensorLayout.NTCHW, contract.Layout);
        Assert.Equal(4, contract.Frames);
        Assert.Equal(32, contract.CropSize);
        Assert.Equal(new[] { 0.485f, 0.456f, 0.406f }, contract.Mean);
        Assert.Equal(5, contract.Labels.Length);
        var clip = Enumerable.Range(0, 2 * 4 * 3 * 32 * 32).Select(i => MathF.Cos(i * 0.11f)).ToArray();
        var before = OrtModelRunner.RunAll(OnnxModelFile.Load(created), clip, [2, 4, 3, 32, 32]);
        var after = OrtModelRunner.RunAll(model, clip, [2, 4, 3, 32, 32]);
        Assert.Equal(new long[] { 2, 5 }, after["logits"].Shape);
        Assert.Equal(before["features"].Data, after["features"].Data, new ToleranceComparer(1e-5f, 0));
    }

    private string Temp(string name) => Path.Combine(fixture.Directory, Guid.NewGuid().ToString("N")[..8] + "-" + name);

    private static void AssertCleanFailure(int code, string stderr, string expected)
    {
        Assert.NotEqual(0, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
