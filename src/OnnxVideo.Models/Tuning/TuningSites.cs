using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Where a graph's bottleneck adapters and prompt tokens go. <see cref="Default"/> finds them from its residual
/// structure; a captioner names its own (encoder and decoder apart, see <c>CaptionTuning</c>).
/// </summary>
internal sealed record TuningSites(Func<GraphProto, IReadOnlyList<ResidualSite>> AdapterSites, Func<GraphProto, IReadOnlyList<TransformerBlock>> PromptBlocks)
{
    public static readonly TuningSites Default = new(AdapterInjector.Sites, ResidualStructure.TransformerBlocks);
}
