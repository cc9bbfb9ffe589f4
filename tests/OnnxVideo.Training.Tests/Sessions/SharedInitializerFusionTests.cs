using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Training.Sessions;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// A Conv that reads a shared frozen weight directly must not have ORT fold its BatchNorm (or a Mul) into a copy of that
/// weight, which would live beside the shared one; where the weight reaches the Conv through other nodes (the train
/// step's stacked taps), or is the graph's own, the fusions stay.
/// </summary>
public sealed class SharedInitializerFusionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("shared weight read by the Conv", true, false, true)]
    [InlineData("shared weight transposed first", true, true, false)]
    [InlineData("the graph's own weight", false, false, false)]
    public void WeightCopyingFusionsAreOffOnlyWhereAConvReadsASharedWeight(string what, bool shared, bool transposed, bool fusionsOff)
    {
        var frozen = _dir.File("frozen.safetensors");
        long[] shape = transposed ? [3, 4, 3, 3] : [4, 3, 3, 3];
        SafetensorsWriter.WriteFile(frozen, [SafetensorsTensor.FromFloats(shared ? "w" : "other", new float[4 * 3 * 3 * 3], shape)]);
        var model = _dir.File("model.onnx");
        OnnxModelFile.Save(ConvBatchNorm(transposed), model);

        var disabled = DisabledOptimizers(frozen, model);

        Assert.True(fusionsOff == disabled.Contains("ConvBNFusion", StringComparison.Ordinal), $"{what}: disabled '{disabled}'");
        Assert.True(fusionsOff == disabled.Contains("ConvMulFusion", StringComparison.Ordinal), $"{what}: disabled '{disabled}'");
        Assert.True(shared == disabled.Contains("TransposeOptimizer", StringComparison.Ordinal), $"{what}: disabled '{disabled}'");
    }

    /// <summary>The case it is for: a head-only package's eval graph (frozen convs, frozen BatchNorm) against its train step.</summary>
    [Fact]
    public void AHeadOnlyPackageEvaluatesWithoutTheFusionsAndStepsWithThem()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, Frames = 4, Size = 16, Seed = 2 });
        var directory = _dir.File("package");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse("head"),
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW),
        }, directory, "tiny3d");
        var package = OnnxVideo.Packaging.TrainingPackage.Load(directory);

        Assert.Contains("ConvBNFusion", DisabledOptimizers(package.FrozenPath, package.EvalPath), StringComparison.Ordinal);
        Assert.DoesNotContain("ConvBNFusion", DisabledOptimizers(package.FrozenPath, package.TrainStepPath), StringComparison.Ordinal);
    }

    private static string DisabledOptimizers(string frozen, string model)
    {
        using var initializers = new SharedInitializers(frozen);
        var options = new OrtSessionOptions();
        initializers.AddTo(options, model);
        return options.ConfigEntries.TryGetValue(SharedInitializers.DisabledOptimizersKey, out var disabled) ? disabled : "";
    }

    /// <summary>x [1, 3, 5, 5] → Conv with weight "w" (transposed from a [3, 4, 3, 3] initializer when asked) → BatchNormalization.</summary>
    private static Onnx.Proto.ModelProto ConvBatchNorm(bool transposed)
    {
        var g = new GraphBuilder("conv_bn");
        var x = g.Input("x", DataType.Float, 1, 3, 5, 5);
        var weight = transposed
            ? g.Node("Transpose", [g.Initializer("w", new float[3 * 4 * 3 * 3], 3, 4, 3, 3)], new Dictionary<string, object> { ["perm"] = new long[] { 1, 0, 2, 3 } })
            : g.Initializer("w", new float[4 * 3 * 3 * 3], 4, 3, 3, 3);
        var conv = g.Node("Conv", [x, weight], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } });
        float[] ones = [1, 1, 1, 1];
        var y = g.Node("BatchNormalization", [conv, g.Initializer("scale", ones, 4), g.Initializer("bias", new float[4], 4),
            g.Initializer("mean", new float[4], 4), g.Initializer("var", ones, 4)]);
        g.Output(g.Node("Identity", [y]), DataType.Float, 1, 4, 5, 5);
        return OnnxModels.Create(g.Graph);
    }
}
