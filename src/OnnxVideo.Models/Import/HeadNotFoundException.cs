namespace OnnxVideo.Models.Import;

/// <summary>
/// An imported graph whose logits output is not produced by a linear classification head (Gemm, or MatMul with an
/// optional Add, on constant weights); <see cref="GraphEnding"/> names the op types the graph ends with.
/// </summary>
internal sealed class HeadNotFoundException(string modelPath, string problem, IReadOnlyList<string> graphEnding)
    : UserInputException(modelPath, $"no classification head found: {problem}; the graph ends with "
        + (graphEnding.Count == 0 ? "no nodes" : string.Join(" → ", graphEnding)))
{
    public string ModelPath { get; } = modelPath;

    /// <summary>Op types on the path into the logits output, last node last.</summary>
    public IReadOnlyList<string> GraphEnding { get; } = graphEnding;
}
