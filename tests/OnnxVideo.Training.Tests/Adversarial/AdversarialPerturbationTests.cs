using OnnxVideo.Media;
using OnnxVideo.Training.Adversarial;

namespace OnnxVideo.Training.Tests.Adversarial;

/// <summary>Pixel-unit ε per channel, the valid-pixel clip and PGD's projection, on one-pixel clips with a gradient of fixed sign.</summary>
public sealed class AdversarialPerturbationTests
{
    // One frame of 1×1 pixels: a sample is the three channel values (NCTHW), two samples per batch.
    private static readonly PreprocessingContract Contract = new()
    {
        Frames = 1, CropSize = 1, ResizeShortSide = 1, Mean = [0.5f, 0.25f, 0.75f], Std = [0.5f, 0.25f, 0.125f],
    };

    private static InputGradientFunction Signs(params float[] signs) => (clips, labels, gradient) =>
    {
        for (var i = 0; i < gradient.Length; i++) gradient[i] = signs[i % signs.Length];
    };

    [Fact]
    public void Fgsm_steps_eps_over_255_std_per_channel_along_the_gradient_sign()
    {
        float[] clean = [0f, 0f, 0f, 0.1f, -0.1f, 0.2f];
        var adversarial = AdversarialPerturbation.Perturb(clean, [0, 1], new AttackSpec(AttackKind.Fgsm, 2f), Contract, Signs(1, -1, 0));
        float[] expected = [2f / 255 / 0.5f, -2f / 255 / 0.25f, 0f, 0.1f + 2f / 255 / 0.5f, -0.1f - 2f / 255 / 0.25f, 0.2f];
        Assert.Equal(expected, adversarial, new ToleranceComparer(1e-6f, 0f));
    }

    [Fact]
    public void Values_stay_within_what_a_real_pixel_normalises_to()
    {
        // Channel 0 at pixel 255 ((1 − 0.5) / 0.5 = 1), channel 1 at pixel 0 ((0 − 0.25) / 0.25 = −1).
        float[] clean = [1f, -1f, 0f];
        var adversarial = AdversarialPerturbation.Perturb(clean, [0], new AttackSpec(AttackKind.Fgsm, 8f), Contract, Signs(1, -1, 1));
        Assert.Equal([1f, -1f, 8f / 255 / 0.125f], adversarial, new ToleranceComparer(1e-6f, 0f));
    }

    [Fact]
    public void Pgd_is_projected_back_into_the_eps_ball()
    {
        // 3 steps of α = 2 along + would move 6 pixel units; the ball of ε = 4 stops it at 4.
        float[] clean = [0f, 0f, 0f];
        var pgd = AdversarialPerturbation.Perturb(clean, [0], new AttackSpec(AttackKind.Pgd, 4f, 3, 2f), Contract, Signs(1, 1, -1));
        Assert.Equal([4f / 255 / 0.5f, 4f / 255 / 0.25f, -4f / 255 / 0.125f], pgd, new ToleranceComparer(1e-6f, 0f));
    }

    [Fact]
    public void Pgd_follows_the_gradient_of_each_step()
    {
        var calls = 0;
        InputGradientFunction alternating = (clips, labels, gradient) =>
        {
            Array.Fill(gradient, calls++ % 2 == 0 ? 1f : -1f);
        };
        var pgd = AdversarialPerturbation.Perturb([0f, 0f, 0f], [0], new AttackSpec(AttackKind.Pgd, 4f, 3, 1f), Contract, alternating);
        Assert.Equal(3, calls);
        // +1, −1, +1 pixel units.
        Assert.Equal([1f / 255 / 0.5f, 1f / 255 / 0.25f, 1f / 255 / 0.125f], pgd, new ToleranceComparer(1e-6f, 0f));
    }

    [Fact]
    public void Channels_are_found_in_the_ntchw_layout_too()
    {
        var contract = Contract with { Frames = 2, Layout = TensorLayout.NTCHW };
        // [T=2, C=3]: values t0c0 t0c1 t0c2 t1c0 t1c1 t1c2.
        var adversarial = AdversarialPerturbation.Perturb(new float[6], [0], new AttackSpec(AttackKind.Fgsm, 1f), contract, Signs(1));
        float[] perChannel = [1f / 255 / 0.5f, 1f / 255 / 0.25f, 1f / 255 / 0.125f];
        Assert.Equal([.. perChannel, .. perChannel], adversarial, new ToleranceComparer(1e-6f, 0f));
    }
}
