namespace OnnxVideo.Packaging.Tuning;

/// <summary>
/// One bottleneck adapter of a package: <paramref name="Site"/> names it (<c>adapter.&lt;block&gt;.attention|mlp|block</c>),
/// <paramref name="Value"/> is the activation it adapts ([N, tokens, Width] or [N, Width, T, H, W]), and
/// <paramref name="Tensors"/> its trainable parameters. The adapter is ordinary nodes of every graph, so export keeps it.
/// </summary>
public sealed record BottleneckAdapter(
    string Site,
    string Value,
    long Width,
    int Dim,
    float Scale,
    bool Temporal,
    IReadOnlyList<string> Tensors);
