using System.Text.Json;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// <c>video_vit</c> against an independent PyTorch VideoMAE-style module (Reference/video_vit_reference.py) with the
/// same random weights, written by Python as safetensors under Hugging Face names.
/// </summary>
public sealed class VideoVitTests(VideoVitTestsFixture fixture) : IClassFixture<VideoVitTestsFixture>
{
    private static VideoVitConfig Small(VideoVitPooling pooling) => new()
    {
        Depth = 2,
        Width = 64,
        Heads = 4,
        MlpWidth = 256,
        Tubelet = 2,
        Patch = 8,
        Pooling = pooling,
        DefaultFrames = 4,
        DefaultSize = 32,
    };

    [Theory]
    [InlineData(VideoVitPooling.Mean, "weights.safetensors")]
    [InlineData(VideoVitPooling.Cls, "weights.safetensors")]
    [InlineData(VideoVitPooling.Mean, "weights.pth")]
    [InlineData(VideoVitPooling.Cls, "weights.pth")]
    public void MatchesPyTorchReferenceWithTheSameWeights(VideoVitPooling pooling, string weights)
    {
        var architecture = new VideoVit(Small(pooling));

        var model = ModelZoo.Build(architecture, new ZooOptions { Classes = 5, WeightsPath = fixture.Reference(pooling, weights) });

        var input = ImportTestsFixture.ReadFloats(fixture.Reference(pooling, "input.bin"));
        var outputs = ImportTestsOrt.Run(model, input, [2, 4, 3, 32, 32]);
        Assert.Equal(new long[] { 2, 5 }, outputs[ModelZoo.LogitsName].Shape);
        ImportTestsOrt.AssertClose(ImportTestsFixture.ReadFloats(fixture.Reference(pooling, "logits.bin")), outputs[ModelZoo.LogitsName].Data, 1e-4);

        using var meta = JsonDocument.Parse(File.ReadAllText(fixture.Reference(pooling, "meta.json")));
        Assert.Equal(meta.RootElement.GetProperty("parameters").GetInt64(), Measure(architecture, 5).Parameters);
    }

    [Fact]
    public void RandomModelRunsOnABatchOfTwoWithNtchwInputAndFeatures()
    {
        var architecture = new VideoVit(Small(VideoVitPooling.Mean));
        var model = ModelZoo.Build(architecture, new ZooOptions { Classes = 7, FeaturesOutput = true, Seed = 1 });

        var input = model.Graph.Input.Single();
        Assert.Equal(new[] { "N", "4", "3", "32", "32" }, input.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(17, OnnxModels.DefaultOpset(model));
        var clip = Enumerable.Range(0, 2 * 4 * 3 * 32 * 32).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        var outputs = ImportTestsOrt.Run(model, clip, [2, 4, 3, 32, 32]);
        Assert.Equal(new long[] { 2, 7 }, outputs[ModelZoo.LogitsName].Shape);
        Assert.Equal(new long[] { 2, 64 }, outputs[ModelZoo.FeaturesName].Shape);
        Assert.All(outputs[ModelZoo.LogitsName].Data, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(TensorLayout.NTCHW, architecture.DefaultContract(4, 32).Layout);
    }

    [Fact]
    public void WeightsOfAnotherWidthAreRefusedNamingTheTensors()
    {
        var narrower = new VideoVit(Small(VideoVitPooling.Mean) with { Width = 32 });

        var e = Assert.Throws<ZooWeightsMismatchException>(() =>
            ModelZoo.Build(narrower, new ZooOptions { Classes = 5, WeightsPath = fixture.Reference(VideoVitPooling.Mean, "weights.safetensors") }));

        Assert.Contains("videomae.embeddings.patch_embeddings.projection.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.ShapeMismatches, m => m.Name == "videomae.encoder.layer.1.attention.attention.query.weight");
    }

    [Fact]
    public void FramesThatDoNotFillTubeletsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ModelZoo.Build(new VideoVit(Small(VideoVitPooling.Mean)), new ZooOptions { Classes = 2, Frames = 5 }));
        Assert.Contains("tubelet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SinusoidTableFollowsVideoMaeFormula()
    {
        var table = VideoVit.SinusoidTable(positions: 3, width: 4);
        // position 2: angles 2/10000^0, 2/10000^0, 2/10000^(2/4), 2/10000^(2/4)
        Assert.Equal(Math.Sin(2.0), table[8], 6);
        Assert.Equal(Math.Cos(2.0), table[9], 6);
        Assert.Equal(Math.Sin(0.02), table[10], 6);
        Assert.Equal(Math.Cos(0.02), table[11], 6);
    }

    private static ZooModelStats Measure(ZooArchitecture architecture, int classes)
    {
        var g = new ZooGraph(new GraphBuilder(architecture.Name), parameters: null);
        architecture.Define(g, new ZooValue(ModelZoo.InputName, [4, 3, 32, 32]), classes);
        return new ZooModelStats(architecture.Name, classes, 4, 32, g.ParameterCount, g.MultiplyAccumulates);
    }
}
