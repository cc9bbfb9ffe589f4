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
}
