namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Bottleneck adapters (Houlsby/AIM form): h + Scale·up(GELU(down(h))), up initialised to zero so the model is
/// unchanged before training; with <see cref="Temporal"/> a depthwise convolution of kernel 3 over time sits between
/// down-projection and GELU (ST-Adapter), initialised to the identity.
/// </summary>
public sealed record AdapterOptions
{
    /// <summary>Width of the bottleneck.</summary>
    public int Dim { get; init; } = 64;
    public float Scale { get; init; } = 1f;
    /// <summary>Regular expression searched in the site names (<c>adapter.&lt;block&gt;.attention|mlp|block</c>); null = every site.</summary>
    public string? Target { get; init; }
    public bool Temporal { get; init; }
    /// <summary>Seed of the random initialisation of the down-projections.</summary>
    public int Seed { get; init; }
}
