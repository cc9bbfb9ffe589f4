namespace OnnxVideo.Autodiff;

/// <summary>The gradient values appended to a graph: d loss / d value for every requested value.</summary>
internal sealed class GradientResult
{
    private readonly Dictionary<string, string> _gradients;

    internal GradientResult(Dictionary<string, string> gradients) => _gradients = gradients;

    public IReadOnlyDictionary<string, string> Gradients => _gradients;

    /// <summary>The name of the graph value holding d loss / d <paramref name="name"/>.</summary>
    public string GradientOf(string name) =>
        _gradients.TryGetValue(name, out var g) ? g : throw new KeyNotFoundException($"no gradient was requested for '{name}'");
}
