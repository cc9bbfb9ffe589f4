using System.Runtime.InteropServices;
using Xunit.Abstractions;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// Mixup, CutMix, the soft-target cross-entropy compiled into the step and the EMA of the weights, three steps of a
/// tiny3d package against PyTorch doing the same the way timm does (Mixup, SoftTargetCrossEntropy, ModelEmaV2).
/// </summary>
public sealed class MixupEmaStepTests(ITestOutputHelper output) : IDisposable
{
    private const int Classes = 4;
    private static readonly long[] Shape = [4, 3, 4, 16, 16];
    private const double Decay = 0.8;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[] Video(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, (int)Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void ThreeMixedStepsWithEmaMatchPyTorch()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = Classes, Frames = (int)Shape[2], Size = (int)Shape[3], Seed = 5 });
        var directory = _temp.File("package");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9f, Nesterov = true, WeightDecay = 0.01f },
            LabelSmoothing = 0.1f,
        }, directory);
        var package = TrainingPackage.Load(directory);
        Assert.Equal("targets", package.Io.Targets);
        Assert.Contains(OnnxModelFile.Load(package.TrainStepPath).Graph.Input, i => i.Name == "targets");
        Assert.DoesNotContain(OnnxModelFile.Load(package.TrainStepPath).Graph.Input, i => i.Name == "labels");
        Assert.Contains(OnnxModelFile.Load(package.EvalPath).Graph.Input, i => i.Name == "labels");

        long[] labels = [2, 0, 1, 2];
        var cutmixLambda = 1 - (11 - 3) * (12 - 5) / 256.0;
        (BatchMix Mix, object Torch, float Lr, float Clip)[] plan =
        [
            (new BatchMix(0.7, false), new { lam = 0.7, cutmix = false, box = Array.Empty<int>() }, 0.05f, 0f),
            (new BatchMix(cutmixLambda, true, 3, 11, 5, 12), new { lam = cutmixLambda, cutmix = true, box = new[] { 3, 11, 5, 12 } }, 0.1f, 0.5f),
            (BatchMix.None, new { lam = 1.0, cutmix = false, box = Array.Empty<int>() }, 0.05f, 0f),
        ];
        var mixer = new BatchMixer(new MixSettings { MixupAlpha = 0.8, CutmixAlpha = 1.0 }, Classes, Shape[1..]);
        using var session = TrainingSession.Open(PackageLayouts.FromExport(package), new TrainingSessionOptions { IntraOpThreads = 2, EmaDecay = Decay });
        Assert.True(session.TakesSoftTargets && session.AveragesWeights);
        var (losses, norms) = (new List<float>(), new List<float>());
        var steps = new List<GraphReference.Step>();
        for (var k = 0; k < plan.Length; k++)
        {
            var video = Video(k + 1);
            var batch = new ClipBatch(video, labels.Select(l => (int)l).ToArray(), [0, 1, 2, 3], 1, video.Length / 4);
            var mixed = mixer.Apply(batch, plan[k].Mix);
            session.LearningRate = plan[k].Lr;
            session.ClipNorm = plan[k].Clip;
            var result = session.TrainStep(mixed.Inputs, mixed.Labels, mixed.Targets);
            Assert.True(result.Applied);
            losses.Add(result.Loss);
            norms.Add(result.GradientNorm);
            steps.Add(new GraphReference.Step(video, Shape, labels, plan[k].Lr, plan[k].Clip) { Mix = plan[k].Torch });
        }

        var reference = GraphReference.Run(package, steps, _temp.Path, Decay);

        Assert.Equal(reference.Losses, losses, new ToleranceComparer(1e-5f, 1e-4f));
        Assert.Equal(reference.Norms, norms, new ToleranceComparer(1e-5f, 1e-4f));
        using var torch = SafetensorsFile.Open(reference.FinalWeights);
        var initial = package.ReadTrainable();
        var weights = session.GetParameters().Concat(session.GetRunningStatistics()).ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray());
        var averages = session.GetAveragedWeights()!.ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray());
        Assert.Equal(package.Parameters.Count + package.Buffers.Count, averages.Count);
        Assert.Equal(8, package.Buffers.Count);
        output.WriteLine($"loss diffs {string.Join(", ", losses.Zip(reference.Losses, (a, b) => Math.Abs(a - b)))}; norm diffs {string.Join(", ", norms.Zip(reference.Norms, (a, b) => Math.Abs(a - b)))}");
        output.WriteLine($"max |weight diff| {weights.Max(w => MaxDifference(w.Value, torch.ReadFloats(w.Key)))}, max |EMA diff| {averages.Max(w => MaxDifference(w.Value, torch.ReadFloats("ema/" + w.Key)))}");
        foreach (var name in weights.Keys)
        {
            Assert.NotEqual(initial[name], torch.ReadFloats(name));
            Assert.Equal(torch.ReadFloats(name), weights[name], new ToleranceComparer(2e-6f, 1e-4f));
            var torchAverage = torch.ReadFloats("ema/" + name);
            Assert.NotEqual(torch.ReadFloats(name), torchAverage);
            Assert.NotEqual(initial[name], torchAverage);
            Assert.Equal(torchAverage, averages[name], new ToleranceComparer(2e-6f, 1e-4f));
        }
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
