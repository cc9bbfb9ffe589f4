namespace OnnxVideo.Packaging.Tuning;

/// <summary>Which parameters a training package trains.</summary>
public enum TuningKind
{
    /// <summary>The classification head only (the last Gemm/MatMul(+Add) producing the logits).</summary>
    Head,
    /// <summary>Parameters whose initializer name matches a regular expression, plus the head.</summary>
    Pattern,
    /// <summary>Biases only (BitFit), plus the head.</summary>
    BitFit,
    /// <summary>Low-rank adapters on chosen MatMul/Gemm/Conv weights, plus the head.</summary>
    Lora,
    /// <summary>Every parameter.</summary>
    Full,
    /// <summary>Bottleneck adapters after attention/MLP blocks or residual blocks, plus the head.</summary>
    Adapter,
    /// <summary>Learnable prompt tokens in a transformer's token sequence, plus the head.</summary>
    Prompt,
    /// <summary>Several of the parameter-efficient methods together (e.g. lora+bitfit); the spec lists them.</summary>
    Composite,
}
