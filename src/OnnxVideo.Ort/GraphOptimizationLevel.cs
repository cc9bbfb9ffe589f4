namespace OnnxVideo.Ort;

/// <summary>ORT graph optimisation level.</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    Layout = 3,
    All = 99,
}
