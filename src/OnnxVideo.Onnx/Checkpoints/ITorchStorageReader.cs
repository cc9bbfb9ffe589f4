namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>Reads the bytes of a storage whose size the container has already checked against its persistent id.</summary>
internal interface ITorchStorageReader : IDisposable
{
    byte[] Read(TorchStorageRef storage);
}
