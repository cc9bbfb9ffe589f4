namespace OnnxVideo.Packaging.Tuning;

/// <summary>How the base weight of a LoRA adapter is laid out, which fixes how B·A is added to it when merging.</summary>
internal enum LoraWeightLayout
{
    /// <summary>MatMul or Gemm (transB=0) weight [in, out]: the merged weight is W + s·(B·A)ᵀ.</summary>
    InputMajor,
    /// <summary>Gemm (transB=1) weight [out, in]: W + s·B·A.</summary>
    OutputMajor,
    /// <summary>Conv weight [out, in, k…] (any kernel, one group): W + s·reshape(B·A) with A [r, in·k…], B [out, r].</summary>
    Convolution,
}
