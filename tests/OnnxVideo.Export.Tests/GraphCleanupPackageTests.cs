using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests;

/// <summary>Issue 17 lever 4: packages compiled with the graph clean-up (CSE, shape folding, dead code) step exactly
/// as those compiled without it: the same loss, gradient norm, logits, updated weights, optimizer state and
/// BatchNorm statistics over two steps on ONNX Runtime, and the same gradients from the gradients graph.</summary>
public sealed class GraphCleanupPackageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Cases => ["tiny3d", "video_vit_tiny", "video_vit_tiny_lora"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void CleanedUpPackageStepsLikeTheRawOne(string name)
    {
        var (model, tuning, shape) = Case(name);
        var raw = Package(model, tuning, cleanUp: false);
        var cleaned = Package(model, tuning, cleanUp: true);
        Assert.True(NodeCount(cleaned.TrainStepPath) < NodeCount(raw.TrainStepPath), "the clean-up removed no node of the train step");
        Assert.True(NodeCount(cleaned.GradientsPath) < NodeCount(raw.GradientsPath), "the clean-up removed no node of the gradients graph");

        var random = new Random(3);
        var labels = Enumerable.Range(0, (int)shape[0]).Select(i => (long)(i % raw.Manifest.ClassCount)).ToArray();
        var videos = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d))
            .Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToList();
        using var rawStepper = new PackageStepper(raw);
        using var cleanedStepper = new PackageStepper(cleaned);
        var exact = new ToleranceComparer(1e-6f, 1e-6f);
        for (var step = 1; step <= 2; step++)
        {
            var expected = rawStepper.Step(videos[step - 1], shape, labels, 1e-2f, step, clip: 0, dropoutSeed: 7 + step);
            var actual = cleanedStepper.Step(videos[step - 1], shape, labels, 1e-2f, step, clip: 0, dropoutSeed: 7 + step);
            Assert.Equal(expected.Loss, actual.Loss, exact);
            Assert.Equal(expected.GradientNorm, actual.GradientNorm, exact);
            Assert.Equal(expected.Logits, actual.Logits, exact);
        }
        AssertSame(rawStepper.Parameters, cleanedStepper.Parameters, exact);
        AssertSame(rawStepper.State, cleanedStepper.State, exact);
        AssertSame(rawStepper.Buffers, cleanedStepper.Buffers, exact);
        AssertSameGradients(raw, cleaned, videos[0], shape, exact);
    }

    private static (ModelProto Model, TuningSpec Tuning, long[] Shape) Case(string name) => name switch
    {
        "tiny3d" => (ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Frames = 4, Size = 16, Seed = 5 }), TuningSpec.Full, [4, 3, 4, 16, 16]),
        // Stochastic depth: seeded Dropout sites, whose masks must stay apart.
        "video_vit_tiny" => (ModelZoo.Build(VideoVit.Tiny.WithDropPath(0.2f), new ZooOptions { Classes = 3, Frames = 8, Size = 32, Seed = 2 }),
            TuningSpec.Full, [2, 8, 3, 32, 32]),
        _ => (ModelZoo.Build(VideoVit.Tiny, new ZooOptions { Classes = 3, Frames = 8, Size = 32, Seed = 2 }),
            TuningSpec.Parse("lora:r=4,alpha=8,seed=2,target=attention\\.attention\\.(query|value)"), [2, 8, 3, 32, 32]),
    };

    private TrainingPackage Package(ModelProto model, TuningSpec tuning, bool cleanUp)
    {
        var dir = temp.File(cleanUp ? "cleaned" : "raw");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = tuning, CleanUpGraphs = cleanUp }, dir);
        return TrainingPackage.Load(dir);
    }

    private static int NodeCount(string path) => OnnxModelFile.Load(path).Graph.Node.Count;

    private static void AssertSame(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, ToleranceComparer tolerance)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            Assert.Equal(values, actual[name], tolerance);
        }
    }

    private static void AssertSameGradients(TrainingPackage raw, TrainingPackage cleaned, float[] video, long[] shape, ToleranceComparer tolerance)
    {
        var classes = raw.Manifest.ClassCount;
        var targets = Enumerable.Range(0, (int)shape[0] * classes).Select(i => i % classes == (i / classes) % classes ? 1f : 0f).ToArray();
        var inputs = new Dictionary<string, (Array, long[])> { [raw.Io.Video] = (video, shape), [raw.Io.Targets!] = (targets, [shape[0], classes]) };
        if (raw.Io.DropoutSeed is { } seed)
        {
            inputs[seed] = (new[] { 5L }, []);
        }
        var stored = raw.ReadTrainable();
        foreach (var p in raw.Parameters)
        {
            inputs[p.Name] = (stored[p.Name], p.Shape);
        }
        foreach (var b in raw.Buffers)
        {
            inputs[b.Name] = (stored[b.Name], b.Shape);
        }
        List<string> outputs = [raw.Io.Loss, .. raw.Parameters.Select(p => p.Gradient)];
        using var rawGraph = new OrtModelRunner(raw.GradientsPath);
        using var cleanedGraph = new OrtModelRunner(cleaned.GradientsPath);
        var expected = rawGraph.Run(inputs, outputs);
        var actual = cleanedGraph.Run(inputs, outputs);
        foreach (var name in outputs)
        {
            Assert.Equal(expected[name], actual[name], tolerance);
        }
    }
}
