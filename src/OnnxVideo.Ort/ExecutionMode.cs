namespace OnnxVideo.Ort;

/// <summary>Whether independent graph branches run one after another or in parallel on the inter-op pool.</summary>
public enum ExecutionMode
{
    Sequential = 0,
    Parallel = 1,
}
