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
}
