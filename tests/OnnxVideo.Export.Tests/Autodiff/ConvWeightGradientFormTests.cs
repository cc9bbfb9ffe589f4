using OnnxVideo.Autodiff;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>
/// The Conv weight gradient's forms (issue 17 lever 2 and the LoRA one): where the selection picks one product per tap
/// (a Gemm, or a batched MatMul summed over the batch) or dy shifted per tap in one MatMul, the gradients must equal
/// the Conv-of-transposed-input form's; elsewhere the rule
/// must keep the Conv form. Finite differences of
/// the same rows are in <see cref="GradientCheckTests"/>.
/// </summary>
public sealed class ConvWeightGradientFormTests
{
    private static readonly GradientOptions ConvForm = new()
    {
        PerTapConvWeightGradient = false, ShiftedDyConvWeightGradient = false, FramesAsChannelsConvWeightGradient = false,
    };

    /// <summary>Larger than finite differences allow: layer-like channels, batch 2, padding on every axis.</summary>
    private static readonly GradientCheckCase LayerLike = new("Conv", "3-D [2,8,4,6,6] · [6,8,3,3,3] pad 1 (form comparison only)", c =>
        [c.Node("Conv", [c.Param("x", [2, 8, 4, 6, 6]), c.Param("w", [6, 8, 3, 3, 3])], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 } })])
    { Float64 = false };

    /// <summary>
    /// Each per-tap row with the tap products it must take, counted by hand: at stride 1 with at most 64 outputs one per
    /// window (the taps along the last axis share it, their shifted dy stacked), none for windows that read only
    /// padding; one per tap where the last axis has one tap, or at a stride.
    /// </summary>
    public static TheoryData<string, long> PerTapRows => new()
    {
        { "Conv: 3-D stride 1 pad 1 (per-tap weight gradient)", 9 },
        { "Conv: 2-D asymmetric pads (1,0)/(0,2) (per-tap weight gradient)", 2 },
        { "Conv: 2-D batch 3, Cin 2 → Cout 5, pad 1, with bias (per-tap weight gradient)", 3 },
        { "Conv: 3-D kernel (3,1,1) pad 1 over time, batch 2, Cin 3 → Cout 2 (per-tap weight gradient)", 3 },
        { "Conv: 1-D no pads, batch 2 (per-tap weight gradient)", 1 },
        { "Conv: 3-D 1×1×1 stride 2, a ResNet shortcut, batch 2 (per-tap weight gradient, one strided tap)", 1 },
        { "Conv: 2-D 3×3 stride 2 pad 1 over 64 input channels, as mc3_18's lowered layer2.0.conv1 (per-tap weight gradient, strided taps)", 9 },
        { GradientCheckTable.PaddingOnlyTapsConvolution.ToString(), 3 },
    };

    [Fact]
    public void PerTapRowsAreTheTablesPerTapRows() => Assert.Equal(
        GradientCheckTable.PerTapConvolution.Append(GradientCheckTable.PaddingOnlyTapsConvolution).Select(r => r.ToString()).Order(),
        PerTapRows.Select(r => (string)r[0]).Order());

    [Theory]
    [MemberData(nameof(PerTapRows))]
    public void PerTapRowsTakeThePerTapFormAndMatchTheConvForm(string row, long products) => AssertFormsAgree(GradientCheckTable.Find(row), products);

    /// <summary>A large image over few channels: the batch-summed products (no transposes), checked as every per-tap row is.</summary>
    [Fact]
    public void LayerLikeConvTakesBatchSummedProductsAndMatchesTheConvForm()
    {
        AssertFormsAgree(LayerLike, 9);
        Assert.DoesNotContain(GradientChecker.Build(LayerLike).BackwardNodes, n => n.OpType == "Gemm");
    }

    /// <summary>
    /// More than 64 outputs: one product per tap with its own shifted dy (the stacked rows would not pay); so many
    /// outputs over a small image take the channels-first Gemms, the per-sample partial products being larger.
    /// </summary>
    private static readonly GradientCheckCase ManyOutputs = new("Conv", "2-D [2,3,5,4] · [65,3,3,3] pad 1 (form comparison only)", c =>
        [c.Node("Conv", [c.Param("x", [2, 3, 5, 4]), c.Param("w", [65, 3, 3, 3])], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })])
    { Float64 = false };

    [Fact]
    public void ManyOutputsTakeOneGemmPerTapAndMatchTheConvForm()
    {
        AssertFormsAgree(ManyOutputs, 9);
        Assert.DoesNotContain(GradientChecker.Build(ManyOutputs).BackwardNodes, GradientChecker.IsWeightGradientMatMul);
    }

    /// <summary>LoRA's A on a layer: the base kernel, r = 2 outputs of 16 input channels, batch 2, pad 1.</summary>
    private static readonly GradientCheckCase LoraALike = new("Conv", "3-D [2,16,3,5,5] · [2,16,3,3,3] pad 1 (form comparison only)", c =>
        [c.Node("Conv", [c.Param("x", [2, 16, 3, 5, 5]), c.Param("w", [2, 16, 3, 3, 3])], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 } })])
    { Float64 = false };

    public static IEnumerable<object[]> ShiftedDyRows => GradientCheckTable.ShiftedDyConvolution.Append(GradientCheckTable.OneTapConvolution)
        .Select(r => new object[] { r.ToString() });

    [Theory]
    [MemberData(nameof(ShiftedDyRows))]
    public void ShiftedDyRowsTakeOneMatMulAndMatchTheConvForm(string row) => AssertShiftedFormAgrees(GradientCheckTable.Find(row));

    [Fact]
    public void LoraALikeConvTakesTheShiftedDyFormAndMatchesTheConvForm() => AssertShiftedFormAgrees(LoraALike);

    private static GradientCheckCase SquareConv(long height) => new("Conv", $"2-D [1,2,{height},128] · [2,2,3,3] pad 1 (form comparison only)", c =>
        [c.Node("Conv", [c.Param("x", [1, 2, height, 128]), c.Param("w", [2, 2, 3, 3])], new Dictionary<string, object> { ["pads"] = new long[] { 1, 1, 1, 1 } })])
    { Float64 = false };

    /// <summary>As many output as input channels, even with large outputs (r3d_18's layer1): per tap, whose slices are
    /// alive one at a time, not the shifted form's taps × dy at once.</summary>
    [Fact]
    public void AsManyOutputsAsInputsKeepThePerTapForm()
    {
        Assert.Equal(3, GradientChecker.Build(SquareConv(128)).BackwardNodes.Count(GradientChecker.IsTapProduct));
    }

    [Fact]
    public void ShiftedDyFormSwitchedOffFallsBackToThePerTapForm()
    {
        var built = GradientChecker.Build(LoraALike, new GradientOptions { ShiftedDyConvWeightGradient = false });
        Assert.Equal(9, built.BackwardNodes.Count(GradientChecker.IsTapProduct));
    }

    [Fact]
    public void ConvsOutsideTheSelectionKeepTheConvForm()
    {
        string[] rows =
        [
            "Conv: 3-D stride (1,2,2) pad 1 with bias",
            "Conv: 2-D stride 2, groups 2",
            "Conv: 2-D asymmetric pads, dilation 2",
        ];
        foreach (var row in rows)
        {
            var built = GradientChecker.Build(GradientCheckTable.Find(row));
            Assert.DoesNotContain(built.BackwardNodes, n => n.OpType == "Gemm" || GradientChecker.IsWeightGradientMatMul(n));
            var convForm = GradientChecker.Build(GradientCheckTable.Find(row), ConvForm);
            Assert.Equal(convForm.BackwardNodes.Select(n => n.OpType), built.BackwardNodes.Select(n => n.OpType));
        }
    }

    public static IEnumerable<object[]> FramesAsChannelsRows => GradientCheckTable.FramesAsChannelsConvolution.Select(r => new object[] { r.ToString() });

    /// <summary>The frames gathered once, the weight gradient one 2-D Conv (x as [taps·Cin, T′, H, N·P], dy its kernel).</summary>
    [Theory]
    [MemberData(nameof(FramesAsChannelsRows))]
    public void FramesAsChannelsRowsTakeOneTwoDimensionalConvAndMatchTheConvForm(string row)
    {
        var built = GradientChecker.Build(GradientCheckTable.Find(row));
        var conv = GradientChecker.Build(GradientCheckTable.Find(row), ConvForm);
        Assert.Single(built.BackwardNodes, n => n.OpType == "Gather");
        Assert.DoesNotContain(conv.BackwardNodes, n => n.OpType == "Gather");
        Assert.DoesNotContain(built.BackwardNodes, n => n.OpType == "Gemm" || GradientChecker.IsWeightGradientMatMul(n));
        Assert.Equal(conv.BackwardNodes.Count(n => n.OpType == "Conv"), built.BackwardNodes.Count(n => n.OpType == "Conv"));
        AssertSameGradients(GradientCheckTable.Find(row), built, conv);
    }

    [Fact]
    public void FramesAsChannelsNeedsWholeBlocksOfOutputsAndAtMost27Taps()
    {
        var fewOutputs = new GradientCheckCase("Conv", "3-D [1,2,4,5,5] · [8,2,3,3,3] stride 2 (form comparison only)", c =>
            [c.Node("Conv", [c.Param("x", [1, 2, 4, 5, 5]), c.Param("w", [8, 2, 3, 3, 3])], new Dictionary<string, object> { ["strides"] = new long[] { 2, 2, 2 } })])
        { Float64 = false };
        var stem = new GradientCheckCase("Conv", "3-D [1,1,4,9,9] · [16,1,3,5,5] stride (1,2,2) (form comparison only)", c =>
            [c.Node("Conv", [c.Param("x", [1, 1, 4, 9, 9]), c.Param("w", [16, 1, 3, 5, 5])], new Dictionary<string, object> { ["strides"] = new long[] { 1, 2, 2 } })])
        { Float64 = false };
        foreach (var row in new[] { fewOutputs, stem })
        {
            Assert.Equal(GradientChecker.Build(row, ConvForm).BackwardNodes.Select(n => n.OpType), GradientChecker.Build(row).BackwardNodes.Select(n => n.OpType));
        }
    }

    private static void AssertShiftedFormAgrees(GradientCheckCase row)
    {
        var shifted = GradientChecker.Build(row);
        Assert.Equal(1, shifted.BackwardNodes.Count(GradientChecker.IsWeightGradientMatMul));
        Assert.DoesNotContain(shifted.BackwardNodes, n => n.OpType == "Gemm");
        Assert.Equal(1, shifted.BackwardNodes.Count(n => n.OpType == "Conv"));
        AssertSameGradients(row, shifted, GradientChecker.Build(row, ConvForm));
    }

    /// <summary>Strided 2-D taps over 64 input channels: an even padded image is cut from one SpaceToDepth's phases with
    /// unit-stride Slices, an odd one by step-2 Slices of x; both as the Conv form.</summary>
    [Theory]
    [InlineData(6, true)]
    [InlineData(5, false)]
    public void StridedTapsComeFromSpaceToDepthPhasesWhereThePaddedImageDivides(int side, bool phases)
    {
        var row = new GradientCheckCase("Conv", $"2-D [2,64,{side},{side}] · [3,64,3,3] stride 2 pad 1 (form comparison only)", c =>
            [c.Node("Conv", [c.Param("x", [2, 64, side, side]), c.Param("w", [3, 64, 3, 3])],
                new Dictionary<string, object> { ["strides"] = new long[] { 2, 2 }, ["pads"] = new long[] { 1, 1, 1, 1 } })])
        { Float64 = false };
        var backward = GradientChecker.Build(row).BackwardNodes;

        Assert.Equal(phases, backward.Any(n => n.OpType == "SpaceToDepth"));
        var paddedX = backward.Where(n => n.OpType == "Pad").SelectMany(n => n.Output).ToHashSet();
        Assert.Equal(phases ? 0 : 9, backward.Count(n => n.OpType == "Slice" && n.Input.Count == 5 && paddedX.Contains(n.Input[0])));
        AssertFormsAgree(row, 9);
    }

    private static void AssertFormsAgree(GradientCheckCase row, long products)
    {
        var perTap = GradientChecker.Build(row);
        var conv = GradientChecker.Build(row, ConvForm);
        Assert.Equal(products, perTap.BackwardNodes.Count(GradientChecker.IsTapProduct));
        Assert.DoesNotContain(conv.BackwardNodes, GradientChecker.IsTapProduct);
        // The input gradient's Convs (one, or one per phase at a stride) are in both; the Conv form adds one for dW.
        Assert.Equal(conv.BackwardNodes.Count(n => n.OpType == "Conv") - 1, perTap.BackwardNodes.Count(n => n.OpType == "Conv"));

        AssertSameGradients(row, perTap, conv);
    }

    private static void AssertSameGradients(GradientCheckCase row, GradientChecker.BuiltCase form, GradientChecker.BuiltCase conv)
    {
        var expected = GradientChecker.AnalyticGradients(conv, row.Float64);
        var actual = GradientChecker.AnalyticGradients(form, row.Float64);
        for (int p = 0; p < expected.Length; p++)
        {
            Assert.Equal(expected[p].Length, actual[p].Length);
            double worst = expected[p].Zip(actual[p], (e, a) => Math.Abs(e - a)).Max();
            // float32 sums over up to 16,384 positions: relative to the largest element where that exceeds 1.
            double scale = Math.Max(1, expected[p].Max(Math.Abs));
            Assert.True(worst <= 1e-5 * scale, $"{row}: d loss / d {form.Case.Parameters[p].Name} differs between the forms by {worst} (largest element {scale})");
            Assert.True(expected[p].Max(Math.Abs) > 1e-2, $"{row}: the gradient of {form.Case.Parameters[p].Name} is ~0, the comparison checks nothing");
        }
    }
}
