using OnnxVideo.Testing;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests;

/// <summary>Issue 17 lever 3: R(2+1)D's (1,k,k) spatial and (k,1,1) temporal convolutions compiled as 2-D
/// convolutions over reshaped tensors give the loss, logits, gradients and BatchNorm statistics of the 3-D form.</summary>
public sealed class Conv3dTo2dLoweringTests : IDisposable
{
    private static readonly long[] Shape = [2, 3, 4, 32, 32];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private TrainingPackage Package(bool lower)
    {
        var model = ModelZoo.Build("r2plus1d_18", new ZooOptions { Classes = 3, Frames = 4, Size = 32, Seed = 1 });
        var dir = temp.File(lower ? "lowered" : "plain");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = TuningSpec.Full, LowerConv3dTo2d = lower }, dir);
        return TrainingPackage.Load(dir);
    }

    [Fact]
    public void GradientsOfR2Plus1dWithLoweredConvolutionsEqualThoseOfTheThreeDimensionalForm()
    {
        var (plain, lowered) = (Package(lower: false), Package(lower: true));
        var forms = OnnxModelFile.Load(lowered.GradientsPath).Graph.Node.Where(n => n.OpType == "Conv")
            .Select(n => n.Name.EndsWith("/as2d/conv_2d", StringComparison.Ordinal)).ToList();
        var source = ModelZoo.Build("r2plus1d_18", new ZooOptions { Classes = 3, Frames = 4, Size = 32 }).Graph;
        var kernels = source.Initializer.ToDictionary(t => t.Name, t => t.Dims.Skip(2).ToArray());
        // Every (2+1)D factor is lowered; the 1×1×1 shortcuts with stride 2 in time and space stay 3-D.
        var factored = source.Node.Where(n => n.OpType == "Conv").Count(n => kernels[n.Input[1]] is [1, > 1, > 1] or [> 1, 1, 1]);
        Assert.True(factored > 0);
        Assert.Equal(factored, forms.Count(f => f));

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
