namespace OnnxVideo.Ort;

/// <summary>How the CUDA provider picks cuDNN convolution algorithms (ORT's <c>cudnn_conv_algo_search</c>).</summary>
public enum CudnnConvAlgorithmSearch
{
    /// <summary>Benchmark every algorithm once per shape (slow first run, fastest after).</summary>
    Exhaustive,

    /// <summary>cuDNN's heuristic choice.</summary>
    Heuristic,

    /// <summary>Always the implicit-precomputed-GEMM algorithm.</summary>
    Default,
}
