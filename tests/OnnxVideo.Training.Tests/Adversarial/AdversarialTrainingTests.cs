using OnnxVideo.Media;
using OnnxVideo.Models.Adversarial;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Training.Adversarial;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Loop;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Adversarial;

/// <summary>A package compiled with its input-gradient graph: the session's input gradient, and adversarial steps.</summary>
public sealed class AdversarialTrainingTests : IDisposable
{
    private const int Classes = 3;
    private const int SampleElements = 3 * 2 * 16 * 16;
    private readonly TempDirectory _folder = new();
    private readonly Onnx.Proto.ModelProto _model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = Classes, Frames = 2, Size = 16, Seed = 4 });

    public void Dispose() => _folder.Dispose();

    private TrainingPackageLayout Package(bool inputGradient)
    {
        var directory = _folder.File(inputGradient ? "adversarial" : "plain");
        TrainingPackageWriter.Write(_model, new TrainingPackageOptions { Tuning = TuningSpec.Full, InputGradient = inputGradient }, directory, "tiny3d");
        return PackageLayouts.Load(directory);
    }

    private static (float[] Video, int[] Labels) Batch(int n)
    {
        var rng = new Random(11);
        return (Enumerable.Range(0, n * SampleElements).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
            Enumerable.Range(0, n).Select(i => i % Classes).ToArray());
    }

    [Fact]
    public void Session_input_gradient_equals_the_inference_models_with_the_same_weights()
    {
        var layout = Package(inputGradient: true);
        Assert.NotNull(layout.InputGradientPath);
        using var session = TrainingSession.Open(layout, new TrainingSessionOptions { IntraOpThreads = 1 });
        var (video, labels) = Batch(2);
        var fromSession = new float[video.Length];
        session.InputGradient(video, labels, fromSession);
        using var reference = new InputGradientModel(OnnxModelFile.ToBytes(InputGradientGraph.FromInferenceModel(_model)), "tiny3d", 1);
        var fromModel = new float[video.Length];
        reference.Run(video, labels, fromModel);
        Assert.True(fromModel.Max(Math.Abs) > 1e-7f);
        Assert.InRange(fromModel.Zip(fromSession, (a, b) => Math.Abs(a - b)).Max() / fromModel.Max(Math.Abs), 0f, 1e-5f);
    }

    [Fact]
    public void Adversarial_step_trains_on_clean_and_adversarial_clips()
    {
        var layout = Package(inputGradient: true);
        using var session = TrainingSession.Open(layout, new TrainingSessionOptions { IntraOpThreads = 1, LearningRate = 1e-3f });
        var contract = new PreprocessingContract { Frames = 2, CropSize = 16, ResizeShortSide = 16 };
        var (video, labels) = Batch(2);
        var before = session.GetParameters().Select(t => t.Data.ToArray()).ToList();
        var policy = new AdversarialSteps(session, new AttackSpec(AttackKind.Fgsm, 16f), contract);
        var outcome = policy.Step(new ClipBatch(video, labels, [0, 1], 1, SampleElements), lastOfEpoch: true);
        Assert.True(outcome.Applied && float.IsFinite(outcome.Loss));
        Assert.Equal(2 * Classes, outcome.Logits.Length);
        var after = session.GetParameters().Select(t => t.Data.ToArray()).ToList();
        Assert.Contains(Enumerable.Range(0, before.Count), i => !before[i].SequenceEqual(after[i]));
        // The step's loss is the mean over the clean and the adversarial clips: above a plain step's on the clean ones.
        using var fresh = TrainingSession.Open(layout, new TrainingSessionOptions { IntraOpThreads = 1, LearningRate = 1e-3f });
        Assert.True(outcome.Loss > fresh.TrainStep(video, labels).Loss, "adversarial clips raise the loss");
    }

    [Fact]
    public void A_package_without_the_graph_is_refused_by_name()
    {
        var layout = Package(inputGradient: false);
        Assert.Null(layout.InputGradientPath);
        using var session = TrainingSession.Open(layout, new TrainingSessionOptions { IntraOpThreads = 1 });
        var (video, labels) = Batch(1);
        var error = Assert.Throws<TrainingSessionException>(() => session.InputGradient(video, labels, new float[video.Length]));
        Assert.Equal(layout.Directory, error.Input);
        Assert.Contains("--adversarial", error.Problem);
    }
}
