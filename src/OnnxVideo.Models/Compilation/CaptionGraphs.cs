using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Compilation;

/// <summary>A captioner's inference graphs (with the source model's weights as initializers) and its configuration.</summary>
internal sealed record CaptionGraphs(VideoCaptionConfig Config, ModelProto Encoder, ModelProto Decoder, ModelProto DecoderMemory, ModelProto DecoderStep, long MemoryTokens);
