import { IsIn } from 'class-validator';

export class ChangePaymentMethodDto {
  @IsIn(['bank-transfer', 'card'])
  paymentMethod!: 'bank-transfer' | 'card';
}
