// Parcels for the widget's tests, as TrackgateClient.track returns them.

/** A parcel handed from Swift Express to Global Parcel Line, held by customs. */
export function handedOffParcel() {
  const ev = (time, status, description, city, country) => ({ time, status, description, location: { city, country } });
  return {
    trackingNumber: 'SW100000000002',
    legs: [
      {
        courier: 'sim-swift', courierName: 'Swift Express', depth: 0,
        view: {
          courier: 'sim-swift', tracking_number: 'SW100000000002', status: 'in_transit', substatus: 'handed_to_partner', updated_at: '2026-11-28T22:00:00Z',
          events: [
            ev('2026-11-28T07:00:00Z', 'info_received', '迅达快递已收到电子面单信息，等待揽收 Shipping label received by Swift Express; awaiting pickup', 'Shenzhen', 'CN'),
            ev('2026-11-28T22:00:00Z', 'in_transit', '快件已交由【环球包裹专线】继续承运，单号 GP000000014CN Handed over to Global Parcel Line for the next leg (GP000000014CN)', 'Shenzhen', 'CN'),
          ],
          handoffs: [{ courier: 'sim-global', tracking_number: 'GP000000014CN' }],
        },
      },
      {
        courier: 'sim-global', courierName: 'Global Parcel Line', depth: 1,
        view: {
          courier: 'sim-global', tracking_number: 'GP000000014CN', status: 'exception', substatus: 'customs_hold', updated_at: '2026-12-01T18:00:00Z',
          eta: { from: '2026-12-05T08:00:00Z', to: '2026-12-05T18:00:00Z' },
          events: [
            ev('2026-11-28T22:00:00Z', 'info_received', '已接收【迅达快递】交接的快件 Received from Swift Express', 'Shenzhen', 'CN'),
            ev('2026-12-01T18:00:00Z', 'exception', '海关查验扣留，等待补充资料 Held by customs; additional documents requested', 'Frankfurt', 'DE'),
          ],
        },
      },
    ],
    timeline: [],
    couriers: [],
  };
}
