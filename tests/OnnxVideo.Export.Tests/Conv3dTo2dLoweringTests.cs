using OnnxVideo.Testing;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests;

/// <summary>Issue 17 levers 3 and 3c: 3-D convolutions compiled as 2-D convolutions over reshaped tensors — R(2+1)D's
/// (1,k,k) spatial and (k,1,1) temporal factors and its 1×1×1 strided shortcuts, and tiny3d's 3×3×3 kernels over
/// stacked temporal taps — give the loss, logits, gradients and BatchNorm statistics of the 3-D form.</summary>
public sealed class Conv3dTo2dLoweringTests : IDisposable
{
    private static readonly long[] Shape = [2, 3, 4, 32, 32];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private TrainingPackage Package(string arch, bool lower, TapStackForm? afterGradients = null, TapStackForm? inputGradients = null)
    {
        var model = ModelZoo.Build(arch, new ZooOptions { Classes = 3, Frames = 4, Size = 32, Seed = 1 });
        var dir = temp.File($"{arch}-{(lower ? "lowered" : "plain")}-{afterGradients}");
        var options = new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            LowerConv3dTo2d = lower || afterGradients is not null || inputGradients is not null,
            StackConvTaps = lower ? TapStackForm.Stacked : null,
            StackConvTapsAfterGradients = afterGradients,
            StackInputGradientConvTaps = inputGradients,
        };
        TrainingPackageWriter.Write(model, options, dir);
        return TrainingPackage.Load(dir);
    }

    /// <summary>How many Conv nodes of the lowered gradients graph are 2-D forms of the model's 3-D convs.</summary>
    private static int LoweredConvs(TrainingPackage lowered) =>
        OnnxModelFile.Load(lowered.GradientsPath).Graph.Node.Count(n => n.OpType == "Conv" && n.Name.EndsWith("/as2d/conv_2d", StringComparison.Ordinal));

    [Fact]
    public void GradientsOfR2Plus1dWithLoweredConvolutionsEqualThoseOfTheThreeDimensionalForm()
    {
        var (plain, lowered) = (Package("r2plus1d_18", lower: false), Package("r2plus1d_18", lower: true));
        var source = ModelZoo.Build("r2plus1d_18", new ZooOptions { Classes = 3, Frames = 4, Size = 32 }).Graph;
        var kernels = source.Initializer.ToDictionary(t => t.Name, t => t.Dims.Skip(2).ToArray());
        // Every (2+1)D factor and the 1×1×1 shortcuts with stride 2 in time and space (over stacked taps) are lowered.
        var factored = source.Node.Where(n => n.OpType == "Conv").Count(n => kernels[n.Input[1]] is [1, > 1, > 1] or [> 1, 1, 1]);
        var shortcuts = source.Node.Where(n => n.OpType == "Conv").Count(n => kernels[n.Input[1]] is [1, 1, 1]);
        Assert.True(factored > 0 && shortcuts > 0);
        Assert.Equal(factored + shortcuts, LoweredConvs(lowered));
        AssertSameStep(plain, lowered);
    }

    [Fact]
    public void GradientsOfTiny3dWithStackedTemporalTapsEqualThoseOfTheThreeDimensionalForm()
    {
        var (plain, lowered) = (Package("tiny3d", lower: false), Package("tiny3d", lower: true));
        var source = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, Frames = 4, Size = 32 }).Graph;
        // All four 3×3×3 convs with their BatchNorms: stride 1 and 2 in time, the last on 2 frames, whose first tap
        // reads only padding.
        Assert.Equal(4, source.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(4, LoweredConvs(lowered));
        AssertSameStep(plain, lowered);
    }

    /// <summary>
    /// Lever 23: stacked after autodiff, the forward passes and input gradients of tiny3d's 3×3×3 convs (strided, so
    /// the input gradients are one conv per stride phase) become 2-D convs where they have more than one temporal tap;
    /// the weight gradients, whose kernel is the output gradient with its symbolic batch, are not stacked (they are
    /// one 2-D Conv over frames each already, lever 28). The step is that of the 3-D form.
    /// </summary>
    [Theory]
    [InlineData("Gathered", "Summed")]
    [InlineData("Stacked", "Gathered")]
    public void TinyConvsStackedAfterTheGradientsAreBuiltStepLikeTheThreeDimensionalForm(string forward, string inputGradients)
    {
        var (plain, lowered) = (Package("tiny3d", lower: false),
            Package("tiny3d", lower: false, Enum.Parse<TapStackForm>(forward), Enum.Parse<TapStackForm>(inputGradients)));
        static (int Known, int Symbolic, int WeightGradients) Convs(string path)
        {
            var graph = OnnxModelFile.Load(path).Graph;
            var shapes = ShapeInference.Run(graph);
            var weights = graph.Node.Where(n => n.OpType == "Conv").Select(n => shapes.ShapeOf(n.Input[1])).ToList();
            var threeDimensional = weights.Where(w => w is { Rank: 5 }).ToList();
            return (threeDimensional.Count(w => w!.IsFullyKnown && w[2].Value > 1), threeDimensional.Count(w => !w!.IsFullyKnown),
                weights.Count(w => w is { Rank: 4, IsFullyKnown: false }));
        }
        var (plainKnown, _, plainWeightGradients) = Convs(plain.GradientsPath);
        Assert.True(plainKnown >= 4 + 3, $"{plainKnown} 3-D convs with static kernels as written");
        Assert.Equal(4, plainWeightGradients);
        // Lowered, the last conv loses its temporal taps that read only padding, becomes a 2-D conv over 64 channels and
        // takes the per-tap weight gradient instead.
        foreach (var path in new[] { lowered.GradientsPath, lowered.TrainStepPath })
        {
            Assert.Equal((0, 0, 3), Convs(path));
        }
        AssertSameStep(plain, lowered);
    }

    private static void AssertSameStep(TrainingPackage plain, TrainingPackage lowered)
    {
        var random = new Random(2);
        var video = Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var inputs = new Dictionary<string, (Array, long[])> { [plain.Io.Video] = (video, Shape), [plain.Io.Targets!] = (new float[] { 1, 0, 0, 0, 0.5f, 0.5f }, [2, 3]) };
        var stored = plain.ReadTrainable();
        foreach (var p in plain.Parameters)
        {
            inputs[p.Name] = (stored[p.Name], p.Shape);
        }
        foreach (var b in plain.Buffers)
        {
            inputs[b.Name] = (stored[b.Name], b.Shape);
        }
        List<string> outputs = [plain.Io.Loss, plain.Io.Logits, .. plain.Parameters.Select(p => p.Gradient), .. plain.Buffers.Select(b => b.Updated)];
        using var plainGraph = new OrtModelRunner(plain.GradientsPath);
        using var loweredGraph = new OrtModelRunner(lowered.GradientsPath);
        var expected = plainGraph.Run(inputs, outputs);
        var actual = loweredGraph.Run(inputs, outputs);
        foreach (var name in outputs)
        {
            var scale = expected[name].Max(Math.Abs);
            Assert.Equal(expected[name], actual[name], new ToleranceComparer(1e-4f * Math.Max(scale, 1e-3f), 1e-3f));
        }
    }
}
