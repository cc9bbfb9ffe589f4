using OnnxVideo.Export.Tests.Cli;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using Xunit.Abstractions;

namespace OnnxVideo.Export.Tests.Zoo;

/// <summary>Zoo models loaded with PyTorch's weights reproduce PyTorch's logits and features in ONNX Runtime.</summary>
public sealed class TorchReferenceTests(TorchReferenceFixture reference, ITestOutputHelper log) : IClassFixture<TorchReferenceFixture>
{
    public static TheoryData<string> Architectures => new(TorchReferenceFixture.Architectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void LogitsAndFeaturesMatchPyTorch(string arch)
    {
        var model = ModelZoo.Build(arch, new ZooOptions
        {
            Classes = TorchReferenceFixture.Classes,
            Frames = TorchReferenceFixture.Frames,
            Size = TorchReferenceFixture.Size,
            WeightsPath = reference.Weights(arch),
            FeaturesOutput = true,
        });
        const int t = TorchReferenceFixture.Frames, s = TorchReferenceFixture.Size;
        var outputs = OrtTestRunner.Run(model, ModelZoo.InputName, reference.Floats(arch, "input"), 2, 3, t, s, s);

        var expectedLogits = reference.Floats(arch, "logits");
        var (logits, logitsShape) = outputs[ModelZoo.LogitsName];
        Assert.Equal(new long[] { 2, TorchReferenceFixture.Classes }, logitsShape);
        Assert.InRange(OrtTestRunner.MaxAbsDifference(expectedLogits, logits), 0f, 1e-4f);
        // Guard against a vacuous comparison: the reference logits are not all (nearly) equal.
        Assert.True(expectedLogits.Max() - expectedLogits.Min() > 1e-2f);

        var featureCount = reference.Stats(arch).GetProperty("features").GetInt64();
        var (features, featuresShape) = outputs[ModelZoo.FeaturesName];
        Assert.Equal(new[] { 2, featureCount }, featuresShape);
        var expectedFeatures = reference.Floats(arch, "features");
        var scale = Math.Max(1f, expectedFeatures.Max(Math.Abs));
        Assert.InRange(OrtTestRunner.MaxAbsDifference(expectedFeatures, features) / scale, 0f, 1e-4f);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ParameterCountAndMultiplyAccumulatesMatchPyTorchCounts(string arch)
    {
        var stats = ModelZoo.Measure(arch, TorchReferenceFixture.Classes, TorchReferenceFixture.Frames, TorchReferenceFixture.Size);
        var expected = reference.Stats(arch);
        Assert.Equal(expected.GetProperty("parameters").GetInt64(), stats.Parameters);
        Assert.Equal(expected.GetProperty("macs_per_clip").GetInt64(), stats.MultiplyAccumulates);
    }

    [Fact]
    public void ACheckpointSavedByTorchLoadsThroughCreateAndGivesPyTorchsLogits()
    {
        const string arch = TorchReferenceFixture.PthArchitecture;
        using var dir = new TempDirectory();
        var output = dir.File(arch + ".onnx");
        var (code, stdout, stderr) = ExportToolRunner.Run("create", "--arch", arch, "--classes", $"{TorchReferenceFixture.Classes}",
            "--frames", $"{TorchReferenceFixture.Frames}", "--size", $"{TorchReferenceFixture.Size}", "--weights", reference.Checkpoint(arch), "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains($"weights {reference.Checkpoint(arch)}", stdout);

        const int t = TorchReferenceFixture.Frames, s = TorchReferenceFixture.Size;
        var logits = OrtTestRunner.Run(OnnxModelFile.Load(output), ModelZoo.InputName, reference.Floats(arch, "input"), 2, 3, t, s, s)[ModelZoo.LogitsName].Data;
        var expected = reference.Floats(arch, "logits");
        var difference = OrtTestRunner.MaxAbsDifference(expected, logits);
        log.WriteLine($"{arch} from torch.save .pth: max |logit - PyTorch| = {difference:g3} (logits span {expected.Min():g3} … {expected.Max():g3})");
        Assert.InRange(difference, 0f, 1e-4f);
        Assert.True(expected.Max() - expected.Min() > 1e-2f);
    }

    [Fact]
    public void ALegacyFormatCheckpointGivesPyTorchsLogits()
    {
        const string arch = TorchReferenceFixture.LegacyPthArchitecture;
        var model = ModelZoo.Build(arch, new ZooOptions
        {
            Classes = TorchReferenceFixture.Classes,
            Frames = TorchReferenceFixture.Frames,
            Size = TorchReferenceFixture.Size,
            WeightsPath = reference.Checkpoint(arch, legacy: true),
        });
        const int t = TorchReferenceFixture.Frames, s = TorchReferenceFixture.Size;
        var logits = OrtTestRunner.Run(model, ModelZoo.InputName, reference.Floats(arch, "input"), 2, 3, t, s, s)[ModelZoo.LogitsName].Data;
        var difference = OrtTestRunner.MaxAbsDifference(reference.Floats(arch, "logits"), logits);
        log.WriteLine($"{arch} from a legacy-format .pth: max |logit - PyTorch| = {difference:g3}");
        Assert.InRange(difference, 0f, 1e-4f);
    }
}
