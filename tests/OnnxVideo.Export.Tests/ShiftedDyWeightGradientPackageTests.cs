using OnnxVideo.Export.Tests.Autodiff;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// LoRA's convolutions (A: the base kernel with r outputs, B: 1×1) take the shifted-dy weight gradient (one batched
/// MatMul per conv instead of a Gemm per tap or a Conv of transposed tensors); a package compiled so steps exactly as
/// one compiled without it.
/// </summary>
public sealed class ShiftedDyWeightGradientPackageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void LoraPackageWithShiftedDyWeightGradientsStepsLikeOneWithout()
    {
        var model = TinyModels.Conv3dStack();
        var tuning = TuningSpec.Parse("lora:r=2,alpha=4,seed=3");
        var without = Package(model, tuning, shifted: false);
        var with = Package(model, tuning, shifted: true);
        // conv2's A (8 → 2 channels, 27 taps) and both B (1×1): three shifted-dy MatMuls; conv1's A (3 → 2) keeps the
        // per-tap products. Without the shifted form those three take per-tap products: 9 for conv2's A (one per window
        // of x, the 3 taps along the last axis stacked) and one for each B, so 11 instead of 3. A one-tap conv's shifted
        // form is the batch-summed per-tap product (dy rows times x transposed, nothing shifted or sliced), so the B
        // convs look alike in both packages: the count pins conv2's A, the steps below pin all three.
        Assert.Equal(TapProducts(without.TrainStepPath) - 11, TapProducts(with.TrainStepPath) - 3);
        Assert.True(TapProducts(with.TrainStepPath) > 3);
        SamePackageSteps.Assert(without, with, [2, 3, 4, 6, 6], new ToleranceComparer(1e-6f, 1e-5f));
    }

    private TrainingPackage Package(Onnx.Proto.ModelProto model, TuningSpec tuning, bool shifted)
    {
        var dir = temp.File(shifted ? "shifted" : "without");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions { Tuning = tuning, ShiftedDyConvWeightGradient = shifted }, dir);
        return TrainingPackage.Load(dir);
    }

    private static int TapProducts(string path) => OnnxModelFile.Load(path).Graph.Node.Count(GradientChecker.IsTapProduct);
}
