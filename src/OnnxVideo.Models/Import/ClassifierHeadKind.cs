namespace OnnxVideo.Models.Import;

/// <summary>The node pattern of a linear classification head.</summary>
internal enum ClassifierHeadKind
{
    /// <summary>Gemm(features, W, b), as <c>torch.onnx.export</c> writes <c>nn.Linear</c> on 2-D input.</summary>
    Gemm,
    /// <summary>MatMul(features, W) followed by Add(·, b).</summary>
    MatMulAdd,
    /// <summary>MatMul(features, W) without a bias.</summary>
    MatMul,
    /// <summary>
    /// A 1×1(×1) Conv(features, W, b) followed by a global mean over its spatial axes (ReduceMean or
    /// GlobalAveragePool), as torchvision's S3D and I3D-style heads are written. The features are the Conv's input,
    /// [N, F, spatial…]; the head equals Gemm(mean(features), W, b).
    /// </summary>
    ConvMean,
}
