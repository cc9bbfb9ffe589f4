using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>What <see cref="VideoCaptionZoo.Build"/> made: the teacher-forcing model, its architecture, clip shape and size.</summary>
internal sealed record BuiltCaptionModel(ModelProto Model, VideoCaption Architecture, int Frames, int Size, long Parameters, long MultiplyAccumulates);
