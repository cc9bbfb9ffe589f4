using OnnxVideo.Media;
using OnnxVideo.Models.Adversarial;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Training.Adversarial;

namespace OnnxVideo.Training.Tests.Adversarial;

/// <summary>tiny3d with PyTorch's weights: our input gradient and FGSM batch against PyTorch's for the same clips and labels.</summary>
public sealed class TorchFgsmTests(TorchFgsmFixture reference) : IClassFixture<TorchFgsmFixture>
{
    private static readonly PreprocessingContract Contract = new()
    {
        Frames = TorchFgsmFixture.Frames, CropSize = TorchFgsmFixture.Size, ResizeShortSide = TorchFgsmFixture.Size,
    };

    private InputGradientModel Model()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions
        {
            Classes = TorchFgsmFixture.Classes, Frames = TorchFgsmFixture.Frames, Size = TorchFgsmFixture.Size, WeightsPath = reference.Weights,
        });
        return new InputGradientModel(OnnxModelFile.ToBytes(InputGradientGraph.FromInferenceModel(model, "tiny3d")), "tiny3d", 2);
    }

    [Fact]
    public void Input_gradient_matches_pytorch()
    {
        using var model = Model();
        var clean = reference.Floats("fgsm_input");
        var gradient = new float[clean.Length];
        model.Run(clean, TorchFgsmFixture.Labels, gradient);
        var expected = reference.Floats("fgsm_grad");
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-6f, "the reference gradient is not all zeros");
        var worst = expected.Zip(gradient, (e, a) => Math.Abs(e - a)).Max();
        Assert.InRange(worst / scale, 0f, 1e-4f);
    }

    [Fact]
    public void Fgsm_batch_matches_pytorch_within_1e4_normalised_units()
    {
        using var model = Model();
        var clean = reference.Floats("fgsm_input");
        var adversarial = AdversarialPerturbation.Perturb(clean, TorchFgsmFixture.Labels, new AttackSpec(AttackKind.Fgsm, 2f), Contract, model.Gradient);
        var expected = reference.Floats("fgsm_adv");
        var torchGradient = reference.Floats("fgsm_grad");
        // A gradient within float rounding of zero may take either sign in either framework: such values are left
        // out, and must be rare.
        var floor = 1e-6f * torchGradient.Max(Math.Abs);
        var compared = Enumerable.Range(0, expected.Length).Where(i => Math.Abs(torchGradient[i]) > floor).ToArray();
        Assert.True(compared.Length >= expected.Length * 0.999, $"{expected.Length - compared.Length} of {expected.Length} gradients are near zero");
        var worst = compared.Max(i => Math.Abs(expected[i] - adversarial[i]));
        Assert.InRange(worst, 0f, 1e-4f);
        // The step is a real one: ε / 255 / std ≈ 0.035 in every compared value not clipped at a pixel bound.
        Assert.True(compared.Count(i => Math.Abs(adversarial[i] - clean[i]) > 0.03f) > compared.Length / 2);
    }
}
