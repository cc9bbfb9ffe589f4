namespace OnnxVideo.Export.Tests;

/// <summary>One torchvision classifier and export variant of <see cref="TorchvisionModelTests"/>.</summary>
internal sealed record TorchvisionCase(string Model, string Variant, long[] Shape, object? Kwargs = null, bool UnitPool = false)
{
    /// <summary>Constant folding merges MViT's positional embeddings into tensors torch does not have as parameters.</summary>
    public bool MergesParameters => Variant == "folded" && Model.Contains("mvit", StringComparison.Ordinal);

    public string Name => $"{Model}{(UnitPool ? " (1×1×1 pool)" : "")} {Variant} {string.Join("×", Shape.Skip(2))}";

    /// <summary>Small stand-ins for the default run: torchvision's MViT and S3D classes at 4–8 frames of 32².</summary>
    public static IReadOnlyList<TorchvisionCase> Small { get; } =
    [
        new("tiny_mvit_v1", "folded", [2, 3, 4, 32, 32]),
        new("tiny_mvit_v2", "preserved", [2, 3, 4, 32, 32]),
        // Folded: with preserved BatchNorm, batch statistics over the few 1×2×2 positions left at this size are so
        // ill-conditioned that PyTorch float32 and we both miss float64 by ~1e-3 in the loss (full size: see FullSize).
        new("s3d", "folded", [2, 3, 8, 32, 32], UnitPool: true),
    ];

    public static IReadOnlyList<TorchvisionCase> FullSize { get; } =
    [
        // 8×112² leaves 1×7×7 positions per clip for layer4's batch statistics; at 4×32² (2×2) they are as
        // ill-conditioned as in the small S3D case above.
        .. new[] { "r3d_18", "mc3_18", "r2plus1d_18" }.SelectMany(m => Variants(m, [2, 3, 8, 112, 112])),
        .. Variants("s3d", [2, 3, 16, 224, 224]),
        // MViT's positional embeddings fix the clip at 16×224²; one clip per batch keeps the step near 6 GB.
        .. Variants("mvit_v1_b", [1, 3, 16, 224, 224]),
        .. Variants("mvit_v2_s", [1, 3, 16, 224, 224]),
    ];

    public static TorchvisionCase Find(string name) => Small.Concat(FullSize).Single(c => c.Name == name);

    private static IEnumerable<TorchvisionCase> Variants(string model, long[] shape) =>
        [new(model, "folded", shape), new(model, "preserved", shape)];

    /// <summary>The JSON the reference script reads: this case, the phase, and what the phase needs.</summary>
    public Dictionary<string, object?> Spec(string phase, string onnx, object extra)
    {
        var spec = new Dictionary<string, object?>
        {
            ["model"] = Model, ["variant"] = Variant, ["shape"] = Shape, ["classes"] = TorchvisionModelTests.Classes, ["seed"] = 0,
            ["unit_pool"] = UnitPool, ["kwargs"] = Kwargs ?? new { }, ["phase"] = phase, ["onnx"] = onnx,
        };
        foreach (var property in extra.GetType().GetProperties())
        {
            spec[property.Name] = property.GetValue(extra);
        }
        return spec;
    }
}
