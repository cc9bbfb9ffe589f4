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

        SamePackageSteps.Assert(raw, cleaned, shape, new ToleranceComparer(1e-6f, 1e-6f));
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
}
