using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>Supplies the initial value of each parameter a zoo architecture declares.</summary>
internal interface IZooParameterSource
{
    TensorProto Create(string name, long[] shape, ParameterInit init);
}
